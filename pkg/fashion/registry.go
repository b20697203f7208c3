package fashion

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// The registry names model functions, so that a saved model records which
// function it needs (savedmodel writes the name into model.json) and
// loading it needs no code (savedmodel.Load given no function looks the
// name up). A function is code, not data: a program registers the
// functions it may load, once, before loading.
var registry = struct {
	sync.Mutex
	fns   map[string]ModelFn
	names map[uintptr]string // by the function's code
}{fns: map[string]ModelFn{}, names: map[uintptr]string{}}

func init() {
	if err := RegisterModelFn("ArticleMLP", ArticleMLP); err != nil {
		panic(err)
	}
}

// RegisterModelFn registers fn under name, for savedmodel to record in a
// saved model and find again when loading it. ArticleMLP is registered as
// "ArticleMLP". A name is given once; a function has one name. Register top-
// level functions: the closures of one function literal share their code,
// and so the name registered for any of them.
func RegisterModelFn(name string, fn ModelFn) error {
	if name == "" || fn == nil {
		return errors.New("register model function: a name and a function are needed")
	}
	registry.Lock()
	defer registry.Unlock()
	code := reflect.ValueOf(fn).Pointer()
	if _, taken := registry.fns[name]; taken {
		return fmt.Errorf("register model function: %q is already registered", name)
	}
	if other, ok := registry.names[code]; ok {
		return fmt.Errorf("register model function %q: the function is registered as %q", name, other)
	}
	registry.fns[name], registry.names[code] = fn, name
	return nil
}

// LookupModelFn returns the model function registered under name, or an
// error listing those registered.
func LookupModelFn(name string) (ModelFn, error) {
	registry.Lock()
	defer registry.Unlock()
	if fn, ok := registry.fns[name]; ok {
		return fn, nil
	}
	names := make([]string, 0, len(registry.fns))
	for n := range registry.fns {
		names = append(names, fmt.Sprintf("%q", n))
	}
	slices.Sort(names)
	return nil, fmt.Errorf("no model function is registered as %q (registered: %s; see fashion.RegisterModelFn)", name, strings.Join(names, ", "))
}

// ModelFnName returns the name fn is registered under, or "" when it is
// not registered.
func ModelFnName(fn ModelFn) string {
	if fn == nil {
		return ""
	}
	registry.Lock()
	defer registry.Unlock()
	return registry.names[reflect.ValueOf(fn).Pointer()]
}
