package viz

import (
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DefaultScale is the number of figure pixels per image pixel, in each
// direction, of the picture grids: a 28x28 picture shows as 140x140.
const DefaultScale = 5

// defaultCols is the number of columns of a grid that does not say.
const defaultCols = 5

// ImageGrid draws pictures in rows and columns with a caption under each,
// like the article's grid of the first 20 training images named by class.
//
// Each image pixel becomes a block of Scale x Scale figure pixels of
// exactly the pixel's colour, so the PNG holds the input pixels unchanged.
type ImageGrid struct {
	// Title is drawn above the grid; empty for none.
	Title string
	// Images are drawn left to right, top to bottom. They may differ in
	// size; each is centred in its cell.
	Images []*image.Gray
	// Captions has one caption per image, or is nil for none. A caption
	// may have several lines, separated by "\n".
	Captions []string
	// CaptionColors has one colour per caption, or is nil for black. A nil
	// entry is black too.
	CaptionColors []color.Color
	// Cols is the number of columns; 0 means 5 (or fewer images).
	Cols int
	// Scale is the number of figure pixels per image pixel; 0 means
	// DefaultScale.
	Scale int
	// Palette colours grey values, 0 taking its first colour and 255 its
	// last; nil means Grayscale (0 black, 255 white).
	Palette palette.Palette
}

// Layout of a grid, in figure pixels. The grid is laid out here rather
// than as gonum plots in draw.Tiles: plot.Align stretches every data area
// to its tile, so pictures would not stay square on whole pixels, and a
// caption under a picture is no part of a gonum plot.
const (
	gridCellPad    = 6.0  // left and right of the widest thing in a column
	gridCaptionGap = 6.0  // between a picture and its caption
	gridRowGap     = 14.0 // under a caption
)

// gridLayout places the cells of an image grid, in figure pixels from the
// top-left corner of the figure.
type gridLayout struct {
	width, height float64 // the whole figure
	cols          int
	colW, rowH    float64 // one cell
	top           float64 // of the first row
	imgW, imgH    float64 // the picture area of a cell
	scale         int
}

// cell returns the top-left corner of the picture of cell i, w x h image
// pixels big, on whole figure pixels.
func (l gridLayout) cell(i, w, h int) (x, y float64) {
	col, row := i%l.cols, i/l.cols
	x = margin + float64(col)*l.colW + math.Floor((l.colW-float64(w*l.scale))/2)
	y = l.top + float64(row)*l.rowH + math.Floor((l.imgH-float64(h*l.scale))/2)
	return x, y
}

// caption returns the top-centre point of the caption of cell i.
func (l gridLayout) caption(i int) (x, y float64) {
	col, row := i%l.cols, i/l.cols
	return margin + (float64(col)+0.5)*l.colW, l.top + float64(row)*l.rowH + l.imgH + gridCaptionGap
}

// check reports input the grid cannot draw.
func (g ImageGrid) check() error {
	if err := checkImages(g.Images); err != nil {
		return err
	}
	if g.Captions != nil {
		if err := checkLen("captions", len(g.Captions), len(g.Images), "images"); err != nil {
			return err
		}
	}
	if g.CaptionColors != nil {
		if err := checkLen("caption colours", len(g.CaptionColors), len(g.Images), "images"); err != nil {
			return err
		}
	}
	if g.Cols < 0 {
		return errorf("image grid: %d columns", g.Cols)
	}
	if g.Scale < 0 {
		return errorf("image grid: scale %d", g.Scale)
	}
	return checkPalette(g.Palette)
}

// layout sizes the grid's cells to its largest picture and caption.
func (g ImageGrid) layout() gridLayout {
	l := gridLayout{cols: g.Cols, scale: g.Scale}
	if l.cols == 0 {
		l.cols = min(defaultCols, len(g.Images))
	}
	if l.scale == 0 {
		l.scale = DefaultScale
	}
	var maxW, maxH int
	for _, img := range g.Images {
		maxW, maxH = max(maxW, img.Bounds().Dx()), max(maxH, img.Bounds().Dy())
	}
	l.imgW, l.imgH = float64(maxW*l.scale), float64(maxH*l.scale)
	var capW, capH float64
	sty := captionStyle(textColor)
	for _, c := range g.Captions {
		w, h := textSize(sty, c)
		capW, capH = max(capW, w), max(capH, h)
	}
	l.colW = math.Ceil(max(l.imgW, capW) + 2*gridCellPad)
	l.rowH = math.Ceil(l.imgH + gridCaptionGap + capH + gridRowGap)
	if capH == 0 {
		l.rowH = l.imgH + gridRowGap
	}
	rows := (len(g.Images) + l.cols - 1) / l.cols
	l.top = math.Ceil(margin + titleHeight(g.Title))
	l.width = 2*margin + float64(l.cols)*l.colW
	titleW, _ := textSize(textStyle(titleSize, textColor, draw.XCenter, draw.YTop), g.Title)
	l.width = math.Ceil(max(l.width, titleW+2*margin))
	l.height = l.top + float64(rows)*l.rowH - gridRowGap + margin
	return l
}

// captionStyle is the text style of captions under pictures.
func captionStyle(clr color.Color) draw.TextStyle {
	return textStyle(captionSize, clr, draw.XCenter, draw.YTop)
}

// Figure checks the grid and returns its picture.
func (g ImageGrid) Figure() (*Figure, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	l := g.layout()
	colors := colorsOf(g.Palette)
	return newFigure(l.width, l.height, func(c draw.Canvas) {
		g.draw(c, l, func(c draw.Canvas, r vg.Rectangle, i int) { drawPicture(c, r, g.Images[i], colors) })
	})
}

// draw draws the grid's title, frames and captions, and each picture with
// pic into its rectangle.
func (g ImageGrid) draw(c draw.Canvas, l gridLayout, pic func(c draw.Canvas, r vg.Rectangle, i int)) {
	drawTitle(inset(c, margin), g.Title)
	for i, img := range g.Images {
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		x, y := l.cell(i, w, h)
		r := box(c, x, y, float64(w*l.scale), float64(h*l.scale))
		pic(c, r, i)
		strokeFrame(c, r, frameColor)
		if g.Captions == nil {
			continue
		}
		clr := textColor
		if g.CaptionColors != nil && g.CaptionColors[i] != nil {
			clr = g.CaptionColors[i]
		}
		cx, cy := l.caption(i)
		c.FillText(captionStyle(clr), vg.Point{X: c.Min.X + px(cx), Y: c.Max.Y - px(cy)}, g.Captions[i])
	}
}
