package tutorial

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/comms"
	"github.com/janpfeifer/gonb/gonbui/dom"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// The live page: what the Stop button of LiveCurves needs from GoNB to talk
// with the notebook's page while the cell's program trains. (The other
// widgets live in the page itself, without the kernel: pagefiles.go.)
//
// GoNB carries values between the cell's program and the page (gonbui/comms)
// only while the program runs, and only when a page runs the cell's
// JavaScript: under nbconvert (CI, scripts/run-notebooks.sh) or a front-end
// that runs no JavaScript, nothing answers, and a program waiting for an
// answer would wait for ever. So the cell first asks the page to answer
// (probePage); without an answer within probeTimeout (or at once with
// FASHION_NO_PAGE=1) it shows no button.

// probeTimeout is how long a cell waits for the page to answer its probe,
// asking again every probeEvery. GoNB's kernel waits up to 3 s for the page
// to open its connection (WaitForConnectionTimeout of gonb/internal/comms)
// and then drops the messages it has; on a busy machine the page's
// connection can open later, after which the probe is asked again.
const (
	probeTimeout = 12 * time.Second
	probeEvery   = 4 * time.Second
)

// NoPageEnv names the environment variable that, set to 1, says that no
// page runs the cells' JavaScript: the interactive cells then show their
// still pictures only, and write no files for the page.
// scripts/run-notebooks.sh sets it, for nbconvert.
const NoPageEnv = "FASHION_NO_PAGE"

// pageWanted reports whether a page may run the cell's widget: in a
// notebook, unless FASHION_NO_PAGE=1 says that nothing runs its script.
func pageWanted() bool { return gonbui.IsNotebook && os.Getenv(NoPageEnv) != "1" }

// The lifetime of an interactive cell whose program keeps running.
const (
	// heartbeatEvery is how often the page tells the program it is still
	// there; silenceLimit is how long a program waits without hearing from
	// the page before it ends (a closed browser sends nothing). Browsers
	// slow down timers in hidden tabs to once a minute, hence the margin.
	heartbeatEvery = 5 * time.Second
	silenceLimit   = 3 * time.Minute
	// parentCheckEvery is how often the program checks that the kernel that
	// started it still runs.
	parentCheckEvery = 2 * time.Second
)

//go:embed live.js
var liveJS string

// widgetCSS styles every widget of the tutorial.
const widgetCSS = `<style>
.fw{font-family:sans-serif;font-size:13px;border:1px solid #ccc;border-radius:6px;padding:8px;margin:4px 0;max-width:860px}
.fw-row{display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap}
.fw-controls{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
.fw-controls input[type=range]{width:320px}
.fw-note{color:#555;font-size:12px;margin-top:6px}
.fw-pixels{image-rendering:pixelated;border:1px solid #999;background:#000}
.fw-bars{min-width:300px}
.fw-bar{display:flex;align-items:center;gap:6px;height:18px}
.fw-bar .fw-name{width:90px;text-align:right}
.fw-bar .fw-track{width:160px;height:12px;background:#eee}
.fw-bar .fw-fill{height:12px;background:#4878a8}
.fw-bar.fw-answer .fw-fill{background:#2a9d3a}
.fw-bar.fw-answer.fw-wrong .fw-fill{background:#c0392b}
.fw-bar .fw-value{width:44px;font-variant-numeric:tabular-nums}
.fw-pad{border:1px solid #333;touch-action:none;cursor:crosshair;background:#fff}
.fw-answer-line{font-weight:bold;margin:4px 0}
</style>`

// livePage is a widget on the notebook's page: a block of the cell's output
// (the widget's HTML) and the addresses through which the page and the
// program talk. The block is transient: the program removes it when it
// ends and shows a still picture instead, which the saved notebook keeps.
type livePage struct {
	id        string // the root element's id; the addresses start with "/fashion/" + id
	displayID string // the output block holding the widget

	endOnce sync.Once
	ended   chan struct{}
	why     string // why the widget ended (set before ended closes)

	mu    sync.Mutex
	shown map[string]string // what set sent, by element id, sent again on each beat of the page
}

// probePage asks the page to answer and reports, on the returned channel,
// whether it did within probeTimeout. It runs in the background, so that a
// cell computes its still picture meanwhile.
//
// Its listener is never closed: the page may answer each of the repeated
// asks, late, and GoNB v0.11.4's program side (gonbui/comms
// dispatchValueUpdates) returns without releasing its lock when a value
// comes to an address nobody listens to any more, after which every new
// listener (the widget's, GoNB's Slider and Button) waits for ever. The same
// holds for every listener of a widget (see listen).
func probePage() <-chan bool {
	answer := make(chan bool, 1)
	if !gonbui.IsNotebook || os.Getenv(NoPageEnv) == "1" {
		answer <- false
		return answer
	}
	go func() {
		address := "/fashion/probe/" + gonbui.UniqueId()
		replies := comms.Listen[int](address).LatestOnly()
		deadline := time.After(probeTimeout)
		for {
			// comms.Start makes GoNB's kernel check its connection with the
			// page (a heartbeat) and make a new one when it finds none; the
			// page may have closed the last one (see scriptComm).
			comms.Start()
			dom.TransientJavascript(fmt.Sprintf(`(() => { const c = globalThis.gonb_comm; if (c) { c.send(%q, 1); } })();`, address))
			select {
			case <-replies.C:
				answer <- true
				return
			case <-deadline:
				answer <- false
				return
			case <-time.After(probeEvery):
			}
		}
	}()
	return answer
}

// newLivePage shows a widget: html is its body, placed in a root element
// whose id is returned in p.id (and given to html as "{{ID}}"). The page
// script (page.js) watches the widget: it tells the program when the
// widget's output is gone (the cell re-run or cleared, the notebook closed)
// and beats every heartbeatEvery while it is there. Call only after
// probePage answered true.
func newLivePage(kind, html string) *livePage {
	id := "fw-" + gonbui.UniqueId()
	p := &livePage{id: id, displayID: "fw-block-" + gonbui.UniqueId(), ended: make(chan struct{})}
	gonbui.UpdateHTML(p.displayID, fmt.Sprintf(`%s<div class="fw" id="%s" data-widget="%s">%s</div>`,
		widgetCSS, id, kind, strings.ReplaceAll(html, "{{ID}}", id)))
	p.script(liveJS, map[string]int{"beat": int(heartbeatEvery / time.Second)})
	go p.watch()
	return p
}

// address returns the address of one kind of message of the widget.
func (p *livePage) address(name string) string { return "/fashion/" + p.id + "/" + name }

// script runs JavaScript in the page with three constants defined: root
// (the widget's element id), prefix (the start of its addresses) and cfg,
// the JSON of config; and two functions, send(address, value) and
// subscribe(address, callback), which talk through GoNB's connection as it
// is at each call (scriptComm).
func (p *livePage) script(js string, config any) {
	cfg, err := json.Marshal(config)
	if err != nil {
		cfg = []byte("null")
	}
	dom.TransientJavascript(fmt.Sprintf("(() => {\nconst root = %q, prefix = %q, cfg = %s;\n%s\n%s\n})();",
		p.id, "/fashion/"+p.id, cfg, scriptComm, js))
}

// scriptComm is the start of every widget's script: send and subscribe
// through globalThis.gonb_comm as it is now, not as it was when the script
// started. GoNB's kernel replaces the page's connection when it finds it
// dead: when a heartbeat is not answered within 500 ms, or when the page
// gave up on opening it (GoNB's page script waits 500 ms for the kernel's
// acknowledgement, then closes it), both of which happen on a busy machine.
// A subscription lives on one connection, so subscribe makes it again on
// each new one, for as long as the widget is on the page.
const scriptComm = `const send = (address, value) => { const c = globalThis.gonb_comm; if (c) { c.send(address, value); } };
const subscribe = (address, callback) => {
  let on = null;
  const attach = () => { const c = globalThis.gonb_comm; if (c && c !== on) { on = c; c.subscribe(address, callback); } };
  attach();
  const timer = setInterval(() => { if (!document.getElementById(root)) { clearInterval(timer); } else { attach(); } }, 250);
};`

// set replaces the HTML of elements of the widget, by their ids (relative
// to the widget: "view" is the element whose id is p.id + "-view").
func (p *livePage) set(parts map[string]string) {
	select {
	case <-p.ended:
		return
	default:
	}
	full := make(map[string]string, len(parts))
	p.mu.Lock()
	if p.shown == nil {
		p.shown = map[string]string{}
	}
	for k, v := range parts {
		if v == "" {
			v = " " // GoNB's page script drops empty values.
		}
		full[p.id+"-"+k] = v
		p.shown[p.id+"-"+k] = v
	}
	comms.Send(p.address("html"), full) // under p.mu: resend never sends an older view after it
	p.mu.Unlock()
}

// resend sends again all that set sent, as it is now: a message sent while
// GoNB replaced its connection with the page is lost (see scriptComm), and
// the page then shows it within a beat of the page.
func (p *livePage) resend() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.shown) > 0 {
		comms.Send(p.address("html"), p.shown)
	}
}

// send sends a value to the page's script at one of the widget's addresses.
func (p *livePage) send(name, value string) {
	select {
	case <-p.ended:
	default:
		comms.Send(p.address(name), value)
	}
}

// pngImg returns an <img> showing a PNG.
func pngImg(png []byte, alt string) string {
	return fmt.Sprintf(`<img alt="%s" src="data:image/png;base64,%s">`, html.EscapeString(alt), base64.StdEncoding.EncodeToString(png))
}

// listen listens to the values the page sends to an address, keeping only
// the latest when they come faster than the program reads them. The
// listener is never closed, for the reason probePage gives: the page may
// send to it until the program ends.
func listen[T protocol.CommValueTypes](address string) *comms.AddressChan[T] {
	return comms.Listen[T](address).LatestOnly()
}

// pageTimeout bounds each wait for the page once it answered the probe:
// GoNB's widgets (Slider, Select, Button) wait in Done, with no time
// limit, for the first value the page's script sends. A variable for the
// tests.
var pageTimeout = 30 * time.Second

// await runs build, which makes the widget's controls (GoNB's widgets and
// their listeners), and reports whether it finished within pageTimeout.
// When it did not, the page is not answering: await ends the widget, and
// build, left waiting in the background, ends with the program. The caller
// reads what build made only when await returns true.
func (p *livePage) await(build func()) bool {
	finished := make(chan struct{})
	go func() {
		build()
		close(finished)
	}()
	select {
	case <-finished:
		return true
	case <-p.ended:
		return false
	case <-time.After(pageTimeout):
		p.end(fmt.Sprintf("the page did not show its controls within %s", pageTimeout))
		return false
	}
}

// end ends the widget once, with the reason shown to the learner.
func (p *livePage) end(why string) {
	p.endOnce.Do(func() {
		p.why = why
		close(p.ended)
	})
}

// watch ends the widget when its output leaves the page, when the page is
// silent for silenceLimit, or when the kernel that started the program is
// gone.
func (p *livePage) watch() {
	gone := listen[int](p.address("gone"))
	alive := listen[int](p.address("alive"))
	parent := os.Getppid()
	check := time.NewTicker(parentCheckEvery)
	defer check.Stop()
	silence := time.NewTimer(silenceLimit)
	for {
		select {
		case <-p.ended:
			return
		case <-gone.C:
			p.end("its output left the page")
			return
		case <-alive.C:
			silence.Reset(silenceLimit)
			p.resend()
		case <-silence.C:
			p.end(fmt.Sprintf("the page did not answer for %s", silenceLimit))
			return
		case <-check.C:
			if os.Getppid() != parent {
				// The kernel is gone: nobody reads what the program would show,
				// and waiting for its acknowledgement would never end.
				os.Exit(0)
			}
		}
	}
}

// close removes the widget from the page; the caller then shows its still
// picture. It waits at most a few seconds for GoNB, whose kernel may be
// shutting down.
func (p *livePage) close() {
	p.end("done")
	finished := make(chan struct{})
	go func() {
		comms.Send(p.address("ended"), 1)
		gonbui.UpdateHTML(p.displayID, "")
		gonbui.Sync()
		close(finished)
	}()
	select {
	case <-finished:
	case <-time.After(3 * time.Second):
	}
}
