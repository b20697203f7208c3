package tutorial

import (
	"fmt"
	"sync/atomic"

	"github.com/janpfeifer/gonb/gonbui/comms"
	"github.com/janpfeifer/gonb/gonbui/widgets"
)

// Chapter 8: the Stop button of LiveCurves.

// stopButton is the widget LiveCurves shows in a live page: a Stop button,
// a line saying what it does, and the training curves under them.
type stopButton struct {
	page  *livePage
	press atomic.Bool
}

// newStopButton shows the widget. Clicking the button only records the
// request: LiveCurves acts on it at the end of the epoch. It returns nil,
// having removed the widget, when the page does not show the button.
func newStopButton() *stopButton {
	page := newLivePage("stop", `<div class="fw-controls" id="{{ID}}-controls"></div>`+
		`<div class="fw-answer-line" id="{{ID}}-status" data-state="training">Training. Stop ends it after the current epoch; `+
		`the model keeps the weights of that epoch, and the cell goes on (it saves the model).</div>`+
		`<div id="{{ID}}-curves"><div class="fw-note">The curves appear after the first epoch.</div></div>`)
	s := &stopButton{page: page}
	var clicks *comms.AddressChan[int]
	if !page.await(func() {
		clicks = listen[int](widgets.Button("Stop training").AppendTo(page.id + "-controls").Done().Address())
	}) {
		page.close()
		return nil
	}
	go func() {
		select {
		case <-clicks.C:
			s.press.Store(true)
			page.set(map[string]string{"status": `<span data-state="stopping">Stopping: training ends after the current epoch.</span>`})
		case <-page.ended:
		}
	}()
	return s
}

// pressed reports whether the learner clicked Stop.
func (s *stopButton) pressed() bool { return s.press.Load() }

// stopped says that training stopped after an epoch.
func (s *stopButton) stopped(epoch int) {
	s.page.set(map[string]string{"status": fmt.Sprintf(`<span data-state="stopped" data-epoch="%d">Stopped after epoch %d.</span>`, epoch, epoch)})
}

// showCurves draws the curves in the widget.
func (s *stopButton) showCurves(png []byte) {
	s.page.set(map[string]string{"curves": pngImg(png, "training curves")})
}
