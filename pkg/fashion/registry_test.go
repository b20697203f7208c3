package fashion

import (
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// registryTestFn is a model function for the registry's test only.
func registryTestFn(scope *model.Scope, images *graph.Node) *graph.Node {
	return ArticleMLP(scope, images)
}

func TestModelFnRegistry(t *testing.T) {
	if got := ModelFnName(ArticleMLP); got != "ArticleMLP" {
		t.Fatalf("ModelFnName(ArticleMLP) = %q", got)
	}
	if fn, err := LookupModelFn("ArticleMLP"); err != nil || ModelFnName(fn) != "ArticleMLP" {
		t.Fatalf("LookupModelFn(ArticleMLP): %v", err)
	}
	if got := ModelFnName(registryTestFn); got != "" {
		t.Fatalf("an unregistered function is named %q", got)
	}
	if err := RegisterModelFn("registryTestFn", registryTestFn); err != nil {
		t.Fatal(err)
	}
	if got := ModelFnName(registryTestFn); got != "registryTestFn" {
		t.Errorf("after registering: %q", got)
	}
	if err := RegisterModelFn("registryTestFn", ArticleMLP); err == nil {
		t.Error("a name registered twice")
	}
	if err := RegisterModelFn("other", registryTestFn); err == nil {
		t.Error("a function registered under two names")
	}
	if _, err := LookupModelFn("nosuch"); err == nil || !strings.Contains(err.Error(), `"ArticleMLP"`) {
		t.Errorf("unknown name: %v", err)
	}
}
