//go:build unix

package savedmodel

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

// crashEnv, in the environment of this test binary run again, makes
// TestCrashHelper do one job and kill itself (SIGKILL, as the OOM killer or
// a power cut would end it) the n-th time the code reaches a crash point:
// "JOB|POINT|N|DIR".
const crashEnv = "FASHION_TEST_CRASH"

// crashAt runs TestCrashHelper in a new process for job, to be killed at
// the n-th time it reaches point, and checks that it was.
func crashAt(t *testing.T, job, point string, n int, dir string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%s|%d|%s", crashEnv, job, point, n, dir))
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the %s job was not killed at %q: %v\n%s", job, point, err, out)
	}
}

// TestCrashHelper is the process that crashAt kills; it does nothing in a
// normal test run.
func TestCrashHelper(t *testing.T) {
	spec := os.Getenv(crashEnv)
	if spec == "" {
		t.Skip("run by crashAt only")
	}
	parts := strings.Split(spec, "|")
	job, point, dir := parts[0], parts[1], parts[3]
	n, _ := strconv.Atoi(parts[2])
	crashHook = func(p string) {
		if p == point {
			if n--; n == 0 {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
		}
	}
	switch job {
	case "save": // save a model of seed 2 over dir
		m, err := fashion.New(testBackend(), fashion.ArticleMLP, 2)
		if err == nil {
			err = Save(m, dir)
		}
		t.Fatalf("not killed; save returned %v", err)
	case "train-best": // the run of trainRestoringBest, checkpoints in dir
		train, validation, r := restoreBestRun(t)
		_, err := newTestModel(t).Fit(train, validation, r, NewCheckpoints(dir, 1))
		t.Fatalf("not killed; fit returned %v", err)
	}
	t.Fatalf("unknown job %q", job)
}

func TestSaveSurvivesAKillAtEveryPoint(t *testing.T) {
	a := newTestModel(t) // seed 1; the helper saves seed 2 over it
	b, err := fashion.New(testBackend(), fashion.ArticleMLP, 2)
	if err != nil {
		t.Fatal(err)
	}
	images := syntheticSplit(t, "images", 20, 3)
	saved := filepath.Join(t.TempDir(), "saved")
	if err := Save(a, saved); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		point string
		want  *fashion.Model // the model found after the kill
	}{
		{"save: weights written", a},
		{"save: committed", b},
	} {
		t.Run(tc.point, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "model")
			os.CopyFS(dir, os.DirFS(saved))
			crashAt(t, "save", tc.point, 1, dir)
			got, err := Load(testBackend(), dir, fashion.ArticleMLP)
			if err != nil {
				t.Fatalf("after a kill at %q: %v", tc.point, err)
			}
			samePredictions(t, got, tc.want, images)
			// The next save cleans up what the killed one left.
			if n := len(weightsDirs(t, dir)); n != 2 && tc.point == "save: weights written" {
				t.Errorf("%d weights directories after the kill, want the old one and the orphan", n)
			}
			if err := Save(a, dir); err != nil {
				t.Fatal(err)
			}
			if got := dirNames(t, dir); len(got) != 3 || len(weightsDirs(t, dir)) != 1 {
				t.Errorf("after the next save the model holds %q, want the marker, one checkpoint and model.json", got)
			}
			if got := dirNames(t, filepath.Dir(dir)); !slices.Equal(got, []string{"model"}) {
				t.Errorf("beside the model are left %q", got)
			}
		})
	}
	// A kill during the first save into a new directory leaves no model,
	// said so, and the next save goes ahead.
	fresh := filepath.Join(t.TempDir(), "fresh")
	crashAt(t, "save", "save: weights written", 1, fresh)
	if _, err := Load(testBackend(), fresh, fashion.ArticleMLP); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("after a kill during the first save: %v", err)
	}
	if err := Save(a, fresh); err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, fresh); len(got) != 3 {
		t.Errorf("after the next save the model holds %q", got)
	}
}

// restoreBestRun is a run that restores its best weights, whose validation
// loss improves at epochs 1, 2 and 5 and gets worse at 6: half of its
// training labels are shuffled.
func restoreBestRun(t testing.TB) (train, validation *fashionmnist.Split, r fashion.Recipe) {
	train = syntheticSplit(t, "train", 150, 30)
	validation = syntheticSplit(t, "validation", 60, 31)
	rng := rand.New(rand.NewPCG(5, 6))
	_, labels := train.Bytes() // shared: shuffling them shuffles train's labels
	rng.Shuffle(train.Len()/2, func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })
	r = smallRecipe()
	r.Epochs, r.Patience, r.RestoreBestWeights = 6, -1, true
	return train, validation, r
}

// TestRestoreBestKilledRightAfterACheckpoint kills a run that restores the
// best weights right after it saved the checkpoint of a new best epoch,
// before anything else (an older layout wrote a separate best/ copy then):
// the resumed run ends with the weights an uninterrupted run ends with.
func TestRestoreBestKilledRightAfterACheckpoint(t *testing.T) {
	train, validation, r := restoreBestRun(t)
	whole := newTestModel(t)
	want, err := whole.Fit(train, validation, r)
	if err != nil {
		t.Fatal(err)
	}
	if want.BestEpoch < 2 || want.BestEpoch == r.Epochs || !want.RestoredBest {
		t.Fatalf("want a best epoch after the first and before the last: %+v", want)
	}
	dir := filepath.Join(t.TempDir(), "ck")
	crashAt(t, "train-best", "checkpoint: saved", want.BestEpoch, dir)
	resumed, got, err := ResumeTraining(testBackend(), dir, fashion.ArticleMLP, train, validation, NewCheckpoints(dir, 1))
	if err != nil {
		t.Fatal(err)
	}
	sameHistories(t, got, want)
	sameWeights(t, whole, resumed)
	if epochs, _ := listEpochs(dir); !slices.ContainsFunc(epochs, func(e epochEntry) bool { return e.epoch == want.BestEpoch }) {
		t.Errorf("the best epoch's checkpoint is gone: %+v", epochs)
	}
}
