package viz

import (
	"bytes"
	"encoding/base64"
	"image/color"
	"image/png"
	"math"
	"regexp"
	"strconv"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// rowGrid is a heat map grid of one row of values.
type rowGrid []float64

func (g rowGrid) Dims() (c, r int)   { return len(g), 1 }
func (g rowGrid) Z(c, _ int) float64 { return g[c] }
func (rowGrid) X(c int) float64      { return float64(c) }
func (rowGrid) Y(int) float64        { return 0 }

// TestHeatColorIsHeatMapColor checks that heatColor (and so the colour bar
// and the text on a confusion matrix) gives each value the colour gonum's
// HeatMap paints it, values outside the range included.
func TestHeatColorIsHeatMapColor(t *testing.T) {
	colors := blues()
	const lo, hi = 10.0, 30.0
	values := rowGrid{}
	for v := 5.0; v <= 35; v += 0.5 {
		values = append(values, v)
	}
	const cell = 8 // figure pixels per value
	p := plot.New()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -0.5, float64(len(values))-0.5, -0.5, 0.5
	c := vgimg.NewWith(vgimg.UseWH(px(cell*float64(len(values))), px(cell)), vgimg.UseDPI(DPI))
	dc := draw.New(c)
	heatMap(values, colors, lo, hi).Plot(dc, p)
	img := c.Image()
	m := newPaletteMap(colors, lo, hi)
	for i, v := range values {
		got := color.RGBAModel.Convert(img.At(i*cell+cell/2, cell/2))
		want := color.RGBAModel.Convert(heatColor(colors, v, lo, hi))
		if got != want {
			t.Errorf("value %v: heat map paints %v, heatColor says %v", v, got, want)
		}
		if v < lo || v > hi {
			if _, err := m.At(v); err == nil {
				t.Errorf("paletteMap.At(%v) outside [%v, %v]: no error", v, lo, hi)
			}
			continue
		}
		if clr, err := m.At(v); err != nil || color.RGBAModel.Convert(clr) != want {
			t.Errorf("paletteMap.At(%v) = %v, %v; want %v", v, clr, err, want)
		}
	}
}

func TestPaletteMap(t *testing.T) {
	colors := []color.Color{color.Black, color.Gray{Y: 128}, color.White}
	m := newPaletteMap(colors, 0, 1)
	if got := m.Palette(3).Colors(); got[0] != colors[0] || got[1] != colors[1] || got[2] != colors[2] {
		t.Errorf("Palette(3) = %v, want %v", got, colors)
	}
	m.SetMin(-1)
	m.SetMax(3)
	if m.Min() != -1 || m.Max() != 3 {
		t.Errorf("range [%v, %v] after SetMin(-1), SetMax(3)", m.Min(), m.Max())
	}
	if m.Alpha() != 1 {
		t.Errorf("new map's alpha %v, want 1", m.Alpha())
	}
	m.SetAlpha(0.5)
	clr, err := m.At(3)
	if err != nil {
		t.Fatal(err)
	}
	if c := color.NRGBAModel.Convert(clr).(color.NRGBA); c.A != 128 || c.R != 255 {
		t.Errorf("At(3) at alpha 0.5 = %v, want white at alpha 128", c)
	}
	defer func() {
		if recover() == nil {
			t.Error("SetAlpha(2): no panic")
		}
	}()
	m.SetAlpha(2)
}

// TestFigurePlots checks which gonum plots a figure hands out.
func TestFigurePlots(t *testing.T) {
	names := []string{"a", "b"}
	for _, c := range []struct {
		what   string
		figure func() (*Figure, error)
		plots  int
	}{
		{"image grid", func() (*Figure, error) { return ImageGrid{Images: testImages(2)}.Figure() }, 0},
		{"confusion matrix and its bar", func() (*Figure, error) {
			return ConfusionMatrix{Counts: [][]int{{3, 1}, {0, 4}}, ClassNames: names}.Figure()
		}, 2},
		{"two panels", func() (*Figure, error) { return TrainingCurves{Panels: HistoryPanels(testHistory(3))}.Figure() }, 2},
		{"probability chart with its picture", func() (*Figure, error) {
			return ProbabilityChart{Probabilities: []float64{0.3, 0.7}, ClassNames: names, Label: 1, Image: testImage(1)}.Figure()
		}, 1},
	} {
		fig, err := c.figure()
		if err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		if got := len(fig.Plots()); got != c.plots {
			t.Errorf("%s: %d plots, want %d", c.what, got, c.plots)
		}
	}
	var none *Figure
	if none.Plots() != nil {
		t.Error("nil figure has plots")
	}
}

// TestEncodeGonumFormats encodes a figure in each of plot.Save's formats.
func TestEncodeGonumFormats(t *testing.T) {
	fig := smallFigure(t)
	for _, f := range formats {
		data, err := fig.encode(f)
		if err != nil || len(data) < 100 {
			t.Errorf("%s: %d bytes, %v", f, len(data), err)
		}
	}
}

// svgImage matches an image of gonum's SVG canvas: its size in points and
// its PNG.
var svgImage = regexp.MustCompile(`<image x="[^"]*" y="[^"]*" width="([^"]*)" height="([^"]*)" xlink:href="data:image/[a-z]+;base64,([^"]*)"`)

// TestSVGImagesFillTheirRectangle checks that every image in a figure's
// SVG has its rectangle's proportions, one PNG pixel per figure pixel: a
// browser keeps an image's aspect ratio, and would draw the colour bar's
// strip (one pixel wide, as gonum makes it) as a hairline.
func TestSVGImagesFillTheirRectangle(t *testing.T) {
	fig, err := ImageView{Image: GrayRaster(testImage(2)), Scale: 4}.Figure()
	if err != nil {
		t.Fatal(err)
	}
	svg, err := fig.SVG()
	if err != nil {
		t.Fatal(err)
	}
	found := svgImage.FindAllStringSubmatch(string(svg), -1)
	if len(found) == 0 {
		t.Fatal("no image in the SVG of an image view (its colour bar is one)")
	}
	for _, m := range found {
		w, _ := strconv.ParseFloat(m[1], 64)
		h, _ := strconv.ParseFloat(m[2], 64)
		data, err := base64.StdEncoding.DecodeString(m[3])
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if math.Abs(float64(b.Dx())-toPx(vg.Length(w))) > 0.5 || math.Abs(float64(b.Dy())-toPx(vg.Length(h))) > 0.5 {
			t.Errorf("a %vx%v point rectangle (%.1fx%.1f pixels) holds a %dx%d image", w, h, toPx(vg.Length(w)), toPx(vg.Length(h)), b.Dx(), b.Dy())
		}
	}
}
