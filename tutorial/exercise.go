package tutorial

import "fmt"

// verdict prints the result of an exercise check and returns it.
func verdict(ok bool, right, hint string) bool {
	if ok {
		fmt.Fprintln(stdout, "✓ Right! "+right)
	} else {
		fmt.Fprintln(stdout, "✗ Not yet. "+hint)
	}
	return ok
}
