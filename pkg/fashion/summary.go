package fashion

import (
	"fmt"
	"strings"
)

// Summary returns the model's layers as Keras' model.summary() prints them:
// name and type, output shape ("None" is the batch), parameter count, and
// the totals.
func (m *Model) Summary() string {
	var b strings.Builder
	rule := strings.Repeat("_", 65)
	double := strings.Repeat("=", 65)
	fmt.Fprintln(&b, `Model: "sequential"`)
	fmt.Fprintln(&b, rule)
	fmt.Fprintf(&b, " %-28s %-25s %s\n", "Layer (type)", "Output Shape", "Param #")
	fmt.Fprintln(&b, double)
	for i, l := range m.layers {
		if i > 0 {
			fmt.Fprintln(&b)
		}
		fmt.Fprintf(&b, " %-28s %-25s %d\n", fmt.Sprintf("%s (%s)", l.Name, l.Type),
			fmt.Sprintf("(None, %d)", l.Units), l.Params)
	}
	fmt.Fprintln(&b, double)
	fmt.Fprintf(&b, "Total params: %s\n", groupThousands(m.NumParams()))
	fmt.Fprintf(&b, "Trainable params: %s\n", groupThousands(m.NumParams()))
	fmt.Fprintln(&b, "Non-trainable params: 0")
	fmt.Fprint(&b, rule)
	return b.String()
}

// groupThousands writes n with commas between groups of three digits.
func groupThousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + groupThousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
