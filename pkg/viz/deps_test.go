package viz

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsNeitherModelNorGoMLX checks what the package doc promises:
// pkg/viz, with everything it imports, holds no GoMLX and none of the
// project's packages but its internal helpers (internal/backend excepted).
func TestImportsNeitherModelNorGoMLX(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const module = "github.com/fashion-gomlx/fashion-gomlx/"
	for _, p := range strings.Fields(string(out)) {
		switch {
		case strings.HasPrefix(p, "github.com/gomlx/"):
			t.Errorf("pkg/viz depends on %s", p)
		case p == module+"internal/backend",
			strings.HasPrefix(p, module) && p != module+"pkg/viz" && !strings.HasPrefix(p, module+"internal/"):
			t.Errorf("pkg/viz depends on %s", p)
		}
	}
}
