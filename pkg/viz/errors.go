package viz

import "fmt"

// errorf returns an error whose message starts with "viz: ".
func errorf(format string, args ...any) error {
	return fmt.Errorf("viz: "+format, args...)
}
