package backend

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// module is the project's module path.
const module = "github.com/fashion-gomlx/fashion-gomlx"

// backendImports are the imports that choose a backend: only programs may
// have them.
var backendImports = []string{
	module + "/internal/backend",
	"github.com/gomlx/compute/gobackend",
	"github.com/gomlx/go-xla/compute/xla",
	"github.com/gomlx/gomlx/backends/default",
}

// TestLibrariesChooseNoBackend checks the layering the README and the
// packages' doc.go state: no library package (pkg/..., tests excepted)
// imports this package or a backend; programs choose it.
func TestLibrariesChooseNoBackend(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(filepath.Join("..", "..", "pkg"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, b := range backendImports {
				if p == b {
					t.Errorf("%s imports %s: only programs (cmd/, tutorial/) choose a backend", path, p)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("only %d files of pkg/ checked: the walk missed them", checked)
	}
}

// TestDataSetNeedsNoGoMLX checks that pkg/fashionmnist, with everything it
// imports, holds no GoMLX and no cgo: anyone can load Fashion-MNIST.
func TestDataSetNeedsNoGoMLX(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{if not .Standard}}{{len .CgoFiles}}{{else}}0{{end}}",
		module+"/pkg/fashionmnist").CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v: %s", err, out)
	}
	deps := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, line := range deps {
		path, cgo, _ := strings.Cut(line, " ")
		if strings.Contains(path, "gomlx/") && !strings.HasPrefix(path, module) || strings.Contains(path, "go-xla") || cgo != "0" {
			t.Errorf("pkg/fashionmnist depends on %s (cgo files: %s)", path, cgo)
		}
	}
	if len(deps) < 10 {
		t.Fatalf("go list gave %d packages: %q", len(deps), out)
	}
}
