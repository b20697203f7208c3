//go:build faultcampaign

// The fault campaign: kills at random moments (saves included) followed by
// resumes, a full disk, concurrent trainings, and a list of bad inputs,
// against the real tool and the real data. It takes minutes, so it is not
// part of the default tests:
//
//	GOEXPERIMENT=simd go test -tags faultcampaign -run TestFaultCampaign -v -timeout 60m ./cmd/fashion
//
// FAULT_RUNS sets the number of killed runs (default 12) and FAULT_SEED the
// seed of the kill times (default 1). The full-disk part mounts tmpfs file
// systems, so it needs root; it is skipped otherwise.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/internal/backend"
	"github.com/fashion-gomlx/fashion-gomlx/internal/testpictures"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
)

// campaignRecipe is the run every kill test repeats: small, so that an
// epoch and its checkpoint take about a second, and saves are a good part
// of the run.
var campaignRecipe = []string{"--backend", "go", "--offline", "--limit", "1000", "--epochs", "4", "--patience", "-1",
	"--logdir", ""}

// envInt reads an integer from the environment, or returns def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func TestFaultCampaign(t *testing.T) {
	requireData(t)
	t.Run("kills and resumes", testKillsAndResumes)
	t.Run("full disk", testFullDisk)
	t.Run("concurrent trainings", testConcurrentTrainings)
	t.Run("bad inputs", testBadInputs)
}

// runToEnd runs the tool and returns its exit status and output.
func runToEnd(args ...string) (int, string, string) {
	cmd := cliProcess(args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Run()
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

// killPlan says when runAndKill kills the process: after a random delay,
// counted from the moment the first checkpoint of the run is complete
// (afterFirst) or from the start; or, with inSave, a moment (jitter) after
// a save is seen in progress once the first checkpoint is complete.
type killPlan struct {
	delay, jitter      time.Duration
	afterFirst, inSave bool
}

// runAndKill runs the tool and kills it (SIGKILL) as plan says, watching
// the directories that match watch for checkpoints and saves. It reports
// whether the process was killed before it ended by itself.
func runAndKill(t *testing.T, plan killPlan, watch string, args ...string) (killed bool, out string) {
	cmd := cliProcess(args...)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	kill := func() (bool, string) {
		cmd.Process.Kill()
		<-done
		return true, log.String()
	}
	start := time.Now()
	armed := !plan.afterFirst && !plan.inSave
	for {
		select {
		case <-done:
			return false, log.String()
		default:
		}
		if !armed && hasCheckpoint(watch) {
			armed, start = true, time.Now()
		}
		switch {
		case armed && plan.inSave && saveInProgress(watch+"*"):
			time.Sleep(plan.jitter)
			return kill()
		case armed && !plan.inSave && time.Since(start) >= plan.delay:
			return kill()
		}
		time.Sleep(time.Millisecond)
	}
}

// hasCheckpoint reports whether a complete checkpoint exists under watch.
func hasCheckpoint(watch string) bool {
	m, _ := filepath.Glob(filepath.Join(watch+".checkpoints", "epoch-*", "model.json"))
	return len(m) > 0
}

// saveInProgress reports whether a model directory under root holds a
// weights directory that its model.json does not name: a save between
// writing the weights and committing them.
func saveInProgress(root string) bool {
	dirs, _ := filepath.Glob(filepath.Join(root, "*", "checkpoint-*"))
	more, _ := filepath.Glob(filepath.Join(root, "checkpoint-*"))
	for _, d := range append(dirs, more...) {
		data, err := os.ReadFile(filepath.Join(filepath.Dir(d), "model.json"))
		if err != nil || !strings.Contains(string(data), filepath.Base(d)) {
			return true
		}
	}
	return false
}

// testKillsAndResumes kills runs at random moments, resumes them (killing
// resumes too) until they end, and compares each final model with an
// uninterrupted run's, bit for bit. Every other run restores the best
// weights. A fifth of the kills come at any moment, before the first
// checkpoint too; the others after it, at a random moment or, for every
// third run, in the middle of a save.
func testKillsAndResumes(t *testing.T) {
	runs := envInt("FAULT_RUNS", 12)
	rng := rand.New(rand.NewPCG(uint64(envInt("FAULT_SEED", 1)), 7))
	dir := t.TempDir()
	baselines := map[bool]string{}
	var runTime time.Duration
	for _, best := range []bool{false, true} {
		out := filepath.Join(dir, fmt.Sprintf("baseline-best-%v", best))
		start := time.Now()
		args := append([]string{"train", "--out", out, "--restore-best=" + strconv.FormatBool(best)}, campaignRecipe...)
		if code, stdout, stderr := runToEnd(args...); code != 0 {
			t.Fatalf("baseline: %s\n%s", stdout, stderr)
		}
		runTime = max(runTime, time.Since(start))
		baselines[best] = out
	}
	var starts, resumes, kills, inSaves, orphans, refusedResumes, identical int
	for run := range runs {
		best := run%2 == 1
		out := filepath.Join(dir, fmt.Sprintf("run-%02d", run))
		watch := filepath.Join(dir, filepath.Base(out))
		fresh := append([]string{"train", "--out", out, "--restore-best=" + strconv.FormatBool(best)}, campaignRecipe...)
		resume := []string{"train", "--out", out, "--resume", "--backend", "go", "--offline", "--logdir", ""}
		current := fresh
		for attempt := 0; ; attempt++ {
			plan := killPlan{
				delay:      time.Duration(rng.Float64() * float64(runTime) / 2),
				jitter:     time.Duration(rng.IntN(30)) * time.Millisecond,
				afterFirst: rng.IntN(5) != 0,
				inSave:     run%3 == 2,
			}
			if plan.inSave {
				plan.afterFirst = true
			}
			if attempt >= 4 { // then let it finish
				plan = killPlan{delay: time.Hour}
			}
			if slices.Contains(current, "--resume") {
				resumes++
			} else {
				starts++
			}
			killed, log := runAndKill(t, plan, watch, current...)
			if killed {
				kills++
				if plan.inSave {
					inSaves++
					if saveInProgress(watch + "*") {
						orphans++ // the kill left a save half-done
					}
				}
				current = resume
				continue
			}
			if strings.Contains(log, "no checkpoint to resume from") {
				refusedResumes++ // killed before its first checkpoint: start again
				current = fresh
				continue
			}
			if !strings.Contains(log, "model saved to") {
				t.Fatalf("run %d ended without a model:\n%s", run, log)
			}
			break
		}
		if sameModels(t, baselines[best], out) {
			identical++
		} else {
			t.Errorf("run %d (restore best %v) ended with another model than the uninterrupted run", run, best)
		}
	}
	t.Logf("FIGURES kills: %d runs (half restoring the best weights): %d starts and %d resumes, %d killed (SIGKILL), %d of them in the middle of a save (%d leaving it half-done); %d resumes refused for want of a checkpoint, then started again; %d of %d runs ended bit-identical to the uninterrupted run",
		runs, starts, resumes, kills, inSaves, orphans, refusedResumes, identical, runs)
}

// mountTmpfs mounts a tmpfs of the given size at a new directory, or skips.
func mountTmpfs(t *testing.T, size string) string {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (root needed): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// testFullDisk trains, saves and plots onto file systems too small for
// what they write.
func testFullDisk(t *testing.T) {
	var cases, clean int
	check := func(what string, code int, stderr string) {
		cases++
		if os.Getenv("FAULT_VERBOSE") == "1" {
			t.Logf("%s: exit status %d: %s", what, code, strings.ReplaceAll(strings.TrimSpace(stderr), "\n", " | "))
		}
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		last := lines[len(lines)-1]
		if code == 1 && strings.Contains(last, "no space left on device") && !strings.Contains(stderr, "panic") {
			clean++
		} else {
			t.Errorf("%s on a full disk: exit status %d, stderr %q", what, code, stderr)
		}
	}
	// A 1 MB disk: the first checkpoint (4 MB) does not fit.
	tiny := mountTmpfs(t, "1m")
	out := filepath.Join(tiny, "model")
	code, _, stderr := runToEnd(append([]string{"train", "--out", out, "--epochs", "1", "--limit", "200", "--logdir", ""}, campaignRecipe[:3]...)...)
	check("train", code, stderr)
	if info, err := savedmodel.LatestCheckpoint(out + ".checkpoints"); err == nil {
		t.Errorf("a checkpoint that did not fit is taken for complete: %+v", info)
	}
	// The twelve figures (about 700 kB) do not fit in 64 kB.
	code, _, stderr = runToEnd("plots", "--offline", "--out", filepath.Join(mountTmpfs(t, "64k"), "figures"))
	check("plots", code, stderr)

	// A 10 MB disk holding a model and a filler: saving over the model fails,
	// and the old model is still there, whole.
	small := mountTmpfs(t, "10m")
	backend, _, _ := backend.NewBackend("go")
	m, _ := fashion.New(backend, fashion.ArticleMLP, 1)
	model := filepath.Join(small, "model")
	if err := savedmodel.Save(m, model); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(small, "filler"), make([]byte, 4<<20), 0o644)
	code, _, stderr = runToEnd(append([]string{"train", "--out", model, "--checkpoints", filepath.Join(t.TempDir(), "ck"), "--epochs", "1", "--limit", "200", "--logdir", ""},
		campaignRecipe[:3]...)...)
	check("train over a model", code, stderr)
	if _, err := savedmodel.Load(backend, model, fashion.ArticleMLP); err != nil {
		t.Errorf("the model a failed save was replacing: %v", err)
	}
	t.Logf("FIGURES full disk: %d of %d failures were one line with exit status 1, and no model or checkpoint was left half-written", clean, cases)
}

// testConcurrentTrainings starts trainings on the same directory at the
// same moment: one trains, the others are refused.
func testConcurrentTrainings(t *testing.T) {
	const rounds, together = 5, 3
	var refused, trained, unmixed int
	for round := range rounds {
		out := filepath.Join(t.TempDir(), "model")
		args := append([]string{"train", "--out", out, "--epochs", "1", "--limit", "300"}, campaignRecipe[:3]...)
		args = append(args, "--logdir", "")
		if round%2 == 1 { // the same checkpoints, another model directory
			args = append(args, "--checkpoints", filepath.Join(filepath.Dir(out), "shared.ck"))
		}
		var cmds []*exec.Cmd
		var logs []*strings.Builder
		for i := range together {
			a := slices.Clone(args)
			if round%2 == 1 {
				a[2] = fmt.Sprintf("%s-%d", out, i)
			}
			cmd := cliProcess(a...)
			var log strings.Builder
			cmd.Stdout, cmd.Stderr = &log, &log
			cmds, logs = append(cmds, cmd), append(logs, &log)
		}
		for _, c := range cmds {
			c.Start()
		}
		ok := 0
		for i, c := range cmds {
			c.Wait()
			switch code := c.ProcessState.ExitCode(); {
			case code == 0:
				ok++
				if !ownCheckpoints(t, c.Args[slices.Index(c.Args, "--out")+1], c.Args) {
					t.Errorf("round %d: the model and its checkpoints are of different runs", round)
				} else {
					unmixed++
				}
			case code == 1 && strings.Contains(logs[i].String(), "another training is writing to"):
				refused++
			default:
				t.Errorf("round %d: exit status %d:\n%s", round, code, logs[i].String())
			}
		}
		if ok < 1 {
			t.Errorf("round %d: no training ran", round)
		}
		trained += ok
	}
	t.Logf("FIGURES concurrent: %d rounds of %d trainings started together on one directory: %d trained (%d with a model and checkpoints of its run alone), %d refused with one line",
		rounds, together, trained, unmixed, refused)
}

// ownCheckpoints reports whether the model a training saved in out and the
// newest checkpoint of its checkpoints directory belong to the same run.
func ownCheckpoints(t *testing.T, out string, args []string) bool {
	ckpt := out + ".checkpoints"
	if i := slices.Index(args, "--checkpoints"); i >= 0 {
		ckpt = args[i+1]
	}
	backend, _, _ := backend.NewBackend("go")
	m, err := savedmodel.Load(backend, out, fashion.ArticleMLP)
	if err != nil {
		t.Error(err)
		return false
	}
	latest, err := savedmodel.LatestCheckpoint(ckpt)
	if err != nil {
		t.Error(err)
		return false
	}
	return latest.Run.ID == m.History().Run.ID && latest.Epoch == len(m.History().Epochs)
}

// testBadInputs runs the tool on bad input of every kind and checks that
// each gets one line on stderr with exit status 1 or 2, and never a panic.
func testBadInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, data, 0o644)
		return p
	}
	backend, _, _ := backend.NewBackend("go")
	m, _ := fashion.New(backend, fashion.ArticleMLP, 1)
	good := filepath.Join(dir, "good")
	if err := savedmodel.Save(m, good); err != nil {
		t.Fatal(err)
	}
	// variant copies the good model and damages its values file.
	variant := func(name string, damage func(values []byte) []byte) string {
		d := filepath.Join(dir, name)
		os.CopyFS(d, os.DirFS(good))
		bins, _ := filepath.Glob(filepath.Join(d, "checkpoint-*", "*.bin"))
		data, _ := os.ReadFile(bins[0])
		os.WriteFile(bins[0], damage(data), 0o644)
		return d
	}
	rewriteJSON := func(name, old, new string) string {
		d := filepath.Join(dir, name)
		os.CopyFS(d, os.DirFS(good))
		p := filepath.Join(d, "model.json")
		data, _ := os.ReadFile(p)
		os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644)
		return d
	}
	// nanValues gives the first weights NaN values, and model.json their
	// checksum, as a careless tool would: only the values' check catches it.
	nanValues := func(name string) string {
		d := variant(name, func(b []byte) []byte {
			for i := 0; i < 400; i += 4 {
				binary.LittleEndian.PutUint32(b[i:], math.Float32bits(float32(math.NaN())))
			}
			return b
		})
		bins, _ := filepath.Glob(filepath.Join(d, "checkpoint-*", "*.bin"))
		data, _ := os.ReadFile(bins[0])
		sum := sha256.Sum256(data)
		p := filepath.Join(d, "model.json")
		mf, _ := os.ReadFile(p)
		var doc map[string]any
		json.Unmarshal(mf, &doc)
		doc["weights"].(map[string]any)["sha256"].(map[string]any)[filepath.Base(bins[0])] = hex.EncodeToString(sum[:])
		mf, _ = json.Marshal(doc)
		os.WriteFile(p, mf, 0o644)
		return d
	}
	models := map[string]string{
		"NaNs, checksum updated": nanValues("nans-summed"),
		"random bytes": variant("random", func(b []byte) []byte {
			r := rand.New(rand.NewPCG(3, 4))
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			return b
		}),
		"flipped bit": variant("flipped", func(b []byte) []byte { b[len(b)/2] ^= 4; return b }),
		"NaNs": variant("nans", func(b []byte) []byte {
			for i := 0; i < 400; i += 4 {
				binary.LittleEndian.PutUint32(b[i:], math.Float32bits(float32(math.NaN())))
			}
			return b
		}),
		"truncated":       variant("truncated", func(b []byte) []byte { return b[:len(b)/3] }),
		"empty weights":   variant("empty", func([]byte) []byte { return nil }),
		"absurd size":     rewriteJSON("absurd", `500,`, `5000000000000,`),
		"large size":      rewriteJSON("large", `500,`, `1000000,`),
		"negative size":   rewriteJSON("negative", `500,`, `-500,`),
		"newer format":    rewriteJSON("newer", `"version": 2`, `"version": 9`),
		"not JSON":        filepath.Dir(write("notjson/model.json", []byte("{{{"))),
		"TF.js directory": filepath.Dir(write("tfjs/model.json", []byte(`{"format":"layers-model"}`))),
		"empty directory": filepath.Dir(write("emptydir/.keep", nil)),
		"missing":         filepath.Join(dir, "nope"),
		"a file":          write("file.txt", []byte("x")),
	}
	picture := func(name string, img image.Image) string {
		var b bytes.Buffer
		png.Encode(&b, img)
		return write(name, b.Bytes())
	}
	validPNG := picture("ok.png", image.NewGray(image.Rect(0, 0, 40, 40)))
	pngData, _ := os.ReadFile(validPNG)
	alpha := image.NewNRGBA(image.Rect(0, 0, 30, 30))
	alpha.Set(10, 10, color.NRGBA{0, 0, 0, 255})
	var jpg bytes.Buffer
	jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 30, 30)), nil)
	badExif := slices.Concat(jpg.Bytes()[:2], []byte("\xff\xe1\x00\x10Exif\x00\x00MM\x00\x2a\xff\xff\xff\xff"), jpg.Bytes()[2:])
	pictures := map[string]struct {
		path string
		ok   bool // valid: predicted
	}{
		"empty file":               {write("empty.png", nil), false},
		"text":                     {write("text.png", []byte("not a picture")), false},
		"truncated PNG":            {write("trunc.png", pngData[:len(pngData)/2]), false},
		"huge PNG header":          {write("huge.png", testpictures.PNGHeader(100_000, 100_000, 8, 0)), false},
		"missing":                  {filepath.Join(dir, "missing.png"), false},
		"a directory":              {dir, false},
		"JPEG with broken EXIF":    {write("badexif.jpg", badExif), true},
		"PNG, transparent cut-out": {picture("alpha.png", alpha), true},
	}
	dataDirs := map[string]string{
		"missing":            filepath.Join(dir, "nodata"),
		"a file":             write("data.gz", []byte("x")),
		"empty":              filepath.Dir(write("emptydata/.keep", nil)),
		"directory for file": filepath.Dir(filepath.Dir(write("dirdata/train-images-idx3-ubyte.gz/x", nil))),
		"corrupt gzip":       dataWith(t, filepath.Join(dir, "gzdata"), "train-labels-idx1-ubyte.gz", []byte("\x1f\x8bnot gzip")),
		"truncated images":   dataWith(t, filepath.Join(dir, "truncdata"), "t10k-images-idx3-ubyte.gz", nil),
		"other data":         dataWith(t, filepath.Join(dir, "otherdata"), "t10k-labels-idx1-ubyte.gz", []byte("\x00\x00\x08\x01\x00\x00\x00\x01\x07")),
	}

	type input struct {
		what string
		args []string
		ok   bool // valid input: exit status 0
	}
	var inputs []input
	for name, d := range models {
		for _, cmd := range []string{"evaluate", "predict"} {
			inputs = append(inputs, input{"model, " + name + ", " + cmd, []string{cmd, "--backend", "go", "--offline", "--model", d}, false})
		}
	}
	for name, p := range pictures {
		inputs = append(inputs, input{"picture, " + name, []string{"predict", "--backend", "go", "--model", good, "--image", p.path}, p.ok})
	}
	for name, d := range dataDirs {
		inputs = append(inputs, input{"data directory, " + name, []string{"data", "--data-dir", d}, false})
	}
	for _, flags := range [][]string{
		{"--epochs", "-1"}, {"--epochs", "x"}, {"--batch", "0"}, {"--batch", "9223372036854775807"}, {"--lr", "NaN"},
		{"--lr", "-1"}, {"--lr", "1e39"}, {"--lr", "Inf"}, {"--decay", "1e39"}, {"--decay", "-1"}, {"--momentum", "1"},
		{"--momentum", "-0.5"}, {"--limit", "-5"}, {"--limit", "99999999"}, {"--steps-per-execution", "0"},
		{"--steps-per-execution", "9223372036854775807"}, {"--seed", "-1"}, {"--patience", "x"}, {"--out", ""}, {"--out", "/"},
		{"--out", "/proc/x"}, {"--out", models["a file"]}, {"--out", models["TF.js directory"]},
		{"--out", filepath.Join(dir, "m"), "--checkpoints", filepath.Join(dir, "m")}, {"--resume", "--lr", "0.1"}, {"--resume", "--out", filepath.Join(dir, "none")},
		{"--backend", "nosuch"}, {"--backend", "go:parallelism=x"}, {"--no-such-flag"}, {"stray"},
		{"--lr", "1e30", "--limit", "200", "--epochs", "1", "--out", filepath.Join(dir, "diverged")},
	} {
		args := append([]string{"train", "--offline", "--logdir", ""}, flags...)
		if !slices.Contains(flags, "--backend") {
			args = append(args, "--backend", "go")
		}
		if !slices.Contains(flags, "--out") { // nothing goes into the source tree
			args = append(args, "--out", filepath.Join(dir, "train-out"))
		}
		inputs = append(inputs, input{"train " + strings.Join(flags, " "), args, false})
	}
	for _, flags := range [][]string{
		{"--steps", "0"}, {"--steps", "9223372036854775807"}, {"--warmup", "16"},
		{"--batch", "0"}, {"--steps", "2000", "--batch", "1000"}, {"--steps-per-execution", "-3"},
	} {
		inputs = append(inputs, input{"bench " + strings.Join(flags, " "), append([]string{"bench", "--synthetic", "--backend", "go"}, flags...), false})
	}
	for _, args := range [][]string{
		{"frobnicate"}, {"predict", "--count", "0"}, {"predict", "--count", "10001", "--offline", "--model", good, "--backend", "go"},
		{"plots", "--offline", "--out", models["a file"]}, {"summary", "--model", models["flipped bit"], "--backend", "go"},
	} {
		inputs = append(inputs, input{strings.Join(args, " "), args, false})
	}

	var clean int
	for _, in := range inputs {
		code, _, stderr := runToEnd(in.args...)
		if os.Getenv("FAULT_VERBOSE") == "1" {
			t.Logf("%s: exit status %d: %s", in.what, code, strings.ReplaceAll(strings.TrimSpace(stderr), "\n", " | "))
		}
		if in.ok {
			if code == 0 {
				clean++
			} else {
				t.Errorf("%s: valid input refused: %d %q", in.what, code, stderr)
			}
			continue
		}
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		last := lines[len(lines)-1]
		// The one line before an error is the backend's name, when the
		// command got that far.
		extra := len(lines) == 2 && strings.HasPrefix(lines[0], "backend: ")
		if (code == 1 || code == 2) && (len(lines) == 1 || extra) && strings.HasPrefix(last, "fashion") &&
			!strings.Contains(stderr, "panic") && !strings.Contains(stderr, "goroutine") {
			clean++
		} else {
			t.Errorf("%s: exit status %d, stderr %q", in.what, code, stderr)
		}
	}
	t.Logf("FIGURES bad inputs: %d tried, %d got what they should (one error line and exit status 1 or 2, or, for the valid pictures, a prediction)",
		len(inputs), clean)
}

// dataWith makes dir a copy of the real data (links to its files) with one
// file replaced by content (nil: the real file cut in half).
func dataWith(t *testing.T, dir, name string, content []byte) string {
	data, err := fashionmnist.Load(fashionmnist.LoadOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	src := strings.TrimSuffix(data.Source, " ")
	os.MkdirAll(dir, 0o755)
	for _, f := range fashionmnist.Files {
		if f.Name != name {
			os.Symlink(filepath.Join(src, f.Name), filepath.Join(dir, f.Name))
			continue
		}
		if content == nil {
			real, _ := os.ReadFile(filepath.Join(src, f.Name))
			content = real[:len(real)/2]
		}
		os.WriteFile(filepath.Join(dir, f.Name), content, 0o644)
	}
	return dir
}
