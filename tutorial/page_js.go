package tutorial

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"syscall/js"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
)

// The page program's side of a widget: the cell's own code compiled to
// WebAssembly (pagefiles.go), started by the widget's loader (page.js) with
// the widget's configuration. It finds the widget's element, fetches its
// files through the loader, sets parts of the widget, and exposes the
// functions its script calls.

// pageWidget is a widget's element in the page.
type pageWidget struct {
	root js.Value
	cfg  pageConfig
	api  map[string]any // the functions the widget's script calls
}

// startPageWidget finds the widget the loader started the program for.
func startPageWidget() (*pageWidget, error) {
	var cfg pageConfig
	if err := json.Unmarshal([]byte(os.Getenv("FASHION_WIDGET")), &cfg); err != nil {
		return nil, fmt.Errorf("the page program was started without its widget ($FASHION_WIDGET: %w)", err)
	}
	root := js.Global().Get("document").Call("getElementById", cfg.Root)
	if root.IsNull() {
		return nil, fmt.Errorf("the widget %q is not on the page", cfg.Root)
	}
	go endWithWidget(root)
	return &pageWidget{root: root, cfg: cfg, api: map[string]any{}}, nil
}

// endWithWidget ends the program once its widget left the page (the cell
// run again or cleared, the notebook closed), so that the browser frees
// its memory.
func endWithWidget(root js.Value) {
	for root.Get("isConnected").Bool() {
		time.Sleep(2 * time.Second)
	}
	os.Exit(0)
}

// part returns the element of the widget whose data-part is name.
func (w *pageWidget) part(name string) js.Value {
	return w.root.Call("querySelector", `[data-part="`+name+`"]`)
}

// set replaces the HTML of parts of the widget.
func (w *pageWidget) set(parts map[string]string) {
	for name, html := range parts {
		if el := w.part(name); !el.IsNull() {
			el.Set("innerHTML", html)
		}
	}
}

// say shows a line on the widget's status line: state "loading" or "error".
func (w *pageWidget) say(state, text string) { w.root.Call("fwSay", state, text) }

// fail says why the widget cannot go on.
func (w *pageWidget) fail(err error) { w.say("error", "The widget could not start: "+err.Error()) }

// fetch reads one of the widget's files (decompressed, for .gz files).
func (w *pageWidget) fetch(name string) ([]byte, error) {
	value, err := await(w.root.Call("fwFetch", name))
	if err != nil {
		return nil, err
	}
	data := make([]byte, value.Get("length").Int())
	js.CopyBytesToGo(data, value)
	return data, nil
}

// await waits for a JavaScript promise. Call it from a goroutine of the
// program, never from a function the page calls (on): the page would wait
// for ever.
func await(promise js.Value) (js.Value, error) {
	done := make(chan struct{})
	var value js.Value
	var err error
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		value = args[0]
		close(done)
		return nil
	})
	defer then.Release()
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		err = errors.New(args[0].Get("message").String())
		close(done)
		return nil
	})
	defer catch.Release()
	promise.Call("then", then).Call("catch", catch)
	<-done
	return value, err
}

// on exposes a function to the widget's script, as api.name(value). It runs
// on the page's thread: it must only hand the value on (offer), never wait.
func (w *pageWidget) on(name string, fn func(js.Value)) {
	w.api[name] = js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) > 0 {
			fn(args[0])
		}
		return nil
	})
}

// ready shows the live part of the widget and starts its script.
func (w *pageWidget) ready() { w.root.Call("fwReady", js.ValueOf(w.api)) }

// model builds the model from its model function and loads the widget's
// weights into it.
func (w *pageWidget) model(fn fashion.ModelFn) (*fashion.Model, error) {
	index, err := w.fetch(w.cfg.Weights + "/weights.json")
	if err != nil {
		return nil, err
	}
	values, err := w.fetch(w.cfg.Weights + "/weights.bin")
	if err != nil {
		return nil, err
	}
	m, err := fashion.New(backend(), fn, 0)
	if err != nil {
		return nil, err
	}
	if err := loadPageWeights(m, string(index), values); err != nil {
		return nil, err
	}
	return m, nil
}

// offer hands a value to a goroutine of the program, replacing one it has
// not taken yet: the program answers the latest stroke or move only.
func offer[T any](c chan T, v T) {
	select {
	case <-c:
	default:
	}
	c <- v
}
