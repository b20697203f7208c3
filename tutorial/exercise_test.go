package tutorial

import (
	"bytes"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"
)

// expectCheck runs a check and tests its verdict: ok, and its text
// containing want; a refusal must also point at the exercise's first hint.
func expectCheck(t *testing.T, text *bytes.Buffer, what string, ok bool, want string, run func() bool) {
	t.Helper()
	text.Reset()
	got := run()
	if got != ok || !strings.Contains(text.String(), want) {
		t.Errorf("%s: returned %v, printed %q; want %v and %q in it", what, got, text, ok, want)
	}
	if !ok && !strings.Contains(text.String(), "tutorial.Hint(") {
		t.Errorf("%s: the refusal does not say where the hints are: %q", what, text)
	}
}

// noneContains tests that a refusal gives none of the answers away: none
// is in text as a word (the answer 10 is not in 100).
func noneContains(t *testing.T, what, text string, answers ...string) {
	t.Helper()
	for _, a := range answers {
		pattern := regexp.QuoteMeta(a)
		if w := regexp.MustCompile(`^\w`); w.MatchString(a) {
			pattern = `\b` + pattern
		}
		if w := regexp.MustCompile(`\w$`); w.MatchString(a) {
			pattern += `\b`
		}
		if regexp.MustCompile(pattern).MatchString(text) {
			t.Errorf("%s: a refusal gives the answer away (%q): %q", what, a, text)
		}
	}
}

func TestExercisesHaveHintsAndAnswers(t *testing.T) {
	for name, e := range exercises {
		if len(e.hints) < 2 {
			t.Errorf("%s: %d hints, want graded hints (2 or more)", name, len(e.hints))
		}
		if e.answer == "" {
			t.Errorf("%s: no answer", name)
		}
		if e.code == "" {
			continue
		}
		src, err := answerSource(e.code, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !strings.HasPrefix(src, "func "+name+"(") {
			t.Errorf("%s: the answer starts %q", name, src[:min(len(src), 40)])
		}
		// What Solution prints is Go a learner pastes in the exercise's cell.
		if _, err := parser.ParseFile(token.NewFileSet(), "cell.go", "package main\n"+src, 0); err != nil {
			t.Errorf("%s: the answer does not parse: %v\n%s", name, err, src)
		}
		// No hint holds a whole statement of the answer (its code, its
		// comment aside): the hints point the way, the answer is asked for.
		for _, line := range strings.Split(src, "\n")[1:] {
			code, _, _ := strings.Cut(line, "//")
			code = strings.TrimSpace(code)
			parts := []string{code}
			for _, op := range []string{" := ", " = ", " += "} { // the value, however the variable is named
				if _, value, ok := strings.Cut(code, op); ok {
					parts = append(parts, value)
				}
			}
			for j, part := range parts {
				if len(part) < 20 || j > 0 && len(part) < 30 { // a value of 30 characters is more than a name
					continue
				}
				for i, hint := range e.hints {
					if strings.Contains(hint, part) {
						t.Errorf("%s: hint %d holds the answer's %q", name, i+1, part)
					}
				}
			}
		}
	}
}

func TestHintAndSolution(t *testing.T) {
	rec, text := capture(t)
	Hint("scale", 1)
	if !strings.Contains(text.String(), "Hint 1 of 2:") || !strings.Contains(text.String(), `tutorial.Hint("scale", 2)`) {
		t.Errorf("Hint 1: %q", text)
	}
	text.Reset()
	Hint("scale", 2)
	if !strings.Contains(text.String(), "Hint 2 of 2:") || !strings.Contains(text.String(), `tutorial.Solution("scale")`) {
		t.Errorf("the last hint: %q", text)
	}
	text.Reset()
	Hint("scale", 3)
	if !strings.Contains(text.String(), `"scale" has hints 1 to 2`) {
		t.Errorf("a hint that is not there: %q", text)
	}
	text.Reset()
	Hint("scales", 1)
	if !strings.Contains(text.String(), `There is no exercise "scales"`) || !strings.Contains(text.String(), `"scale"`) {
		t.Errorf("an unknown exercise: %q", text)
	}
	text.Reset()
	Solution("trainEpoch")
	if len(rec.texts) != 1 || !strings.Contains(rec.texts[0], "func trainEpoch(exec *model.Exec, batches *fashion.Batches) float64 {") ||
		!strings.Contains(rec.texts[0], "l := tutorial.Must(exec.Call1(images, labels))") || !strings.Contains(rec.texts[0], "tutorial.NoError(err)") {
		t.Errorf("Solution(trainEpoch): %q", rec.texts)
	}
	text.Reset()
	Solution("newTrainStep")
	if src := rec.texts[len(rec.texts)-1]; !strings.Contains(src, "opt optimizer.Interface) tutorial.TrainStep {") || !strings.Contains(src, "lossFn tutorial.BatchLossFn") {
		t.Errorf("Solution(newTrainStep): %q", src)
	}
	text.Reset()
	Solution("updates-per-epoch")
	if !strings.Contains(text.String(), "1719") {
		t.Errorf("Solution(updates-per-epoch): %q", text)
	}
}

// TestAnswersPass checks every answer written in Go against its own check:
// an answer the check refused would be a check that refuses right answers.
// (The checks that need the real data are tested in their chapters' tests.)
func TestAnswersPass(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	for name, run := range map[string]func() bool{
		"mlp":          func() bool { return CheckArticleModel(answerMLP) },
		"crossEntropy": func() bool { return CheckCrossEntropy(answerCrossEntropy) },
		"nesterov":     func() bool { return CheckNesterovUpdate(answerNesterov) },
		"newTrainStep": func() bool { return CheckTrainStep(answerNewTrainStep) },
		"corr2d":       func() bool { return CheckCorr2D(answerCorr2d) },
	} {
		text.Reset()
		if !run() {
			t.Errorf("%s: the answer is refused: %s", name, text)
		}
	}
}
