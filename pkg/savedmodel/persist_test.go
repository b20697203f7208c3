package savedmodel

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// trainedModel returns a model trained for one short epoch and its data.
func trainedModel(t *testing.T) (*fashion.Model, *fashionmnist.Split) {
	t.Helper()
	train := syntheticSplit(t, "train", 200, 10)
	validation := syntheticSplit(t, "validation", 50, 11)
	m := newTestModel(t)
	r := smallRecipe()
	r.Epochs = 1
	if _, err := m.Fit(train, validation, r); err != nil {
		t.Fatal(err)
	}
	return m, validation
}

// dirNames lists the names in dir, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

// weightsDirs lists the weights directories of a saved model.
func weightsDirs(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, name := range dirNames(t, dir) {
		if strings.HasPrefix(name, weightsDirPrefix) {
			out = append(out, name)
		}
	}
	return out
}

// samePredictions fails unless two models predict split identically.
func samePredictions(t *testing.T, a, b *fashion.Model, s *fashionmnist.Split) {
	t.Helper()
	pa, err := a.PredictSplit(s, 0, s.Len())
	if err != nil {
		t.Fatal(err)
	}
	pb, err := b.PredictSplit(s, 0, s.Len())
	if err != nil {
		t.Fatal(err)
	}
	for i := range pa {
		if !slices.Equal(pa[i], pb[i]) {
			t.Fatalf("image %d: predictions differ: %v vs %v", i, pa[i], pb[i])
		}
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m, validation := trainedModel(t)
	dir := filepath.Join(t.TempDir(), "models", "latest")
	if err := Save(m, dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(testBackend(), dir, fashion.ArticleMLP)
	if err != nil {
		t.Fatal(err)
	}
	samePredictions(t, m, loaded, validation)
	if loaded.History() == nil || len(loaded.History().Epochs) != 1 || loaded.Recipe().Optimizer != m.Recipe().Optimizer {
		t.Errorf("history %+v, recipe %+v not restored", loaded.History(), loaded.Recipe())
	}
	if run := loaded.History().Run; run == nil || run.ID == "" || run.Train.Images != 200 || run.Validation.Name != "validation" {
		t.Errorf("run %+v not restored", run)
	}
	if got := optimizer.GetGlobalStep(loaded.Store()); got != 7 { // 200 images / 32 = 7 updates.
		t.Errorf("update count %d after loading, want 7", got)
	}
	if !slices.Equal(loaded.ClassNames(), fashionmnist.ClassNames[:]) || loaded.NumParams() != 543_860 {
		t.Errorf("class names %v, params %d", loaded.ClassNames(), loaded.NumParams())
	}

	// Saving again replaces the model; nothing else is left beside or in it.
	if err := Save(loaded, dir); err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, filepath.Dir(dir)); len(got) != 1 {
		t.Errorf("after two saves the parent holds %q, want only the model", got)
	}
	got := dirNames(t, dir)
	if len(got) != 3 || got[0] != markerFileName || !strings.HasPrefix(got[1], weightsDirPrefix) || got[2] != modelFileName {
		t.Errorf("after two saves the model holds %q, want the marker, one checkpoint and model.json", got)
	}
}

func TestSaveRefusesToReplaceOtherData(t *testing.T) {
	m := newTestModel(t)
	dir := t.TempDir()
	precious := filepath.Join(dir, "thesis.tex")
	if err := os.WriteFile(precious, []byte("years of work"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Save(m, dir)
	if err == nil || !strings.Contains(err.Error(), "did not write") {
		t.Fatalf("got %v", err)
	}
	if data, _ := os.ReadFile(precious); string(data) != "years of work" {
		t.Fatal("the user's file was touched")
	}
	if err := Save(m, precious); err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Errorf("saving over a file: %v", err)
	}

	// Another tool's model directory (a TensorFlow.js export) that holds a
	// model.json is not taken for ours.
	tfjs := t.TempDir()
	for name, content := range map[string]string{"model.json": `{"format": "layers-model"}`, "group1-shard1of1.bin": "weights"} {
		if err := os.WriteFile(filepath.Join(tfjs, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Save(m, tfjs); err == nil || CheckSaveDir(tfjs) == nil {
		t.Fatalf("saving over another tool's model.json: %v", err)
	}
	if got := dirNames(t, tfjs); !slices.Equal(got, []string{"group1-shard1of1.bin", "model.json"}) {
		t.Errorf("the other tool's directory now holds %q", got)
	}
	if data, _ := os.ReadFile(filepath.Join(tfjs, "model.json")); string(data) != `{"format": "layers-model"}` {
		t.Errorf("the other tool's model.json was rewritten: %s", data)
	}
}

func TestSaveKeepsTheUsersFiles(t *testing.T) {
	m, validation := trainedModel(t)
	dir := filepath.Join(t.TempDir(), "model")
	if err := Save(m, dir); err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(dir, "notes.txt")
	figure := filepath.Join(dir, "figures", "curves.png")
	os.WriteFile(notes, []byte("lr 0.01 was fine"), 0o644)
	os.MkdirAll(filepath.Dir(figure), 0o755)
	os.WriteFile(figure, []byte("png"), 0o644)
	if err := CheckSaveDir(dir); err != nil {
		t.Fatalf("our model with the user's files in it: %v", err)
	}
	if err := Save(m, dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{notes, figure} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("a second save lost the user's %s: %v", p, err)
		}
	}
	loaded, err := Load(testBackend(), dir, fashion.ArticleMLP)
	if err != nil {
		t.Fatal(err)
	}
	samePredictions(t, m, loaded, validation)
	// Deleting the model (as pruning checkpoints does) leaves them too.
	if err := removeModelDir(dir); err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{markerFileName, "figures", "notes.txt"}) {
		t.Errorf("after removing the model the directory holds %q, want the user's files and the marker", got)
	}
}

func TestSaveUpgradesAFormat1Model(t *testing.T) {
	m, validation := trainedModel(t)
	dir := filepath.Join(t.TempDir(), "model")
	os.MkdirAll(filepath.Join(dir, v1WeightsDirName), 0o755)
	os.WriteFile(filepath.Join(dir, v1WeightsDirName, "checkpoint-n0000000-step-00000007.bin"), []byte("old"), 0o644)
	os.WriteFile(filepath.Join(dir, modelFileName), []byte(`{"format": "fashion-gomlx/mlp", "version": 1}`), 0o644)
	if _, err := Load(testBackend(), dir, fashion.ArticleMLP); err == nil || !strings.Contains(err.Error(), "older version") {
		t.Errorf("loading a format 1 model: %v", err)
	}
	if err := Save(m, dir); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(dirNames(t, dir), v1WeightsDirName) {
		t.Error("the format 1 checkpoint was not removed")
	}
	loaded, err := Load(testBackend(), dir, fashion.ArticleMLP)
	if err != nil {
		t.Fatal(err)
	}
	samePredictions(t, m, loaded, validation)
}

func TestCheckSaveDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	readOnly := filepath.Join(dir, "ro")
	os.Mkdir(readOnly, 0o555)
	tests := []struct{ dir, want string }{
		{"", "no directory given"},
		{"/", "did not write"},
		{file, "is a file"},
		{filepath.Join(file, "model"), "is a file"},
		{"/proc/fashion-gomlx-model", "cannot write in /proc"},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		tests = append(tests, struct{ dir, want string }{filepath.Join(readOnly, "model"), "cannot write in " + readOnly})
	}
	for _, tc := range tests {
		if err := CheckSaveDir(tc.dir); err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("CheckSaveDir(%q) = %v, want one line with %q", tc.dir, err, tc.want)
		}
	}
	for _, ok := range []string{filepath.Join(dir, "new", "model"), t.TempDir()} {
		if err := CheckSaveDir(ok); err != nil {
			t.Errorf("CheckSaveDir(%q) = %v", ok, err)
		}
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"file", "ro"}) {
		t.Errorf("CheckSaveDir left %q behind", got)
	}
}

// modelVariant copies the saved model good into a new directory and lets
// breakIt damage it.
func modelVariant(t *testing.T, good string, breakIt func(dir string)) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "model")
	if err := os.CopyFS(dir, os.DirFS(good)); err != nil {
		t.Fatal(err)
	}
	breakIt(dir)
	return dir
}

// readModelJSON and writeModelJSON read and rewrite a model.json as a map.
func readModelJSON(t *testing.T, dir string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, modelFileName))
	if err != nil {
		t.Fatal(err)
	}
	var mf map[string]any
	if err := json.Unmarshal(data, &mf); err != nil {
		t.Fatal(err)
	}
	return mf
}

func writeModelJSON(t *testing.T, dir string, mf map[string]any) {
	t.Helper()
	data, _ := json.Marshal(mf)
	if err := os.WriteFile(filepath.Join(dir, modelFileName), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// weightsFile returns the path of a saved model's .json or .bin weights file.
func weightsFile(t *testing.T, dir, ext string) string {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(dir, weightsDirPrefix+"*", "checkpoint-*"+ext))
	if len(matches) != 1 {
		t.Fatalf("weights files %v", matches)
	}
	return matches[0]
}

// rewriteValues changes a saved model's values file and records its new
// checksum in model.json, as a careless (or hostile) tool would: only the
// checks of the values themselves can catch it.
func rewriteValues(t *testing.T, dir string, change func(values []byte) []byte) {
	t.Helper()
	p := weightsFile(t, dir, ".bin")
	data, _ := os.ReadFile(p)
	data = change(data)
	os.WriteFile(p, data, 0o644)
	mf := readModelJSON(t, dir)
	sum := sha256.Sum256(data)
	mf["weights"].(map[string]any)["sha256"].(map[string]any)[filepath.Base(p)] = hex.EncodeToString(sum[:])
	writeModelJSON(t, dir, mf)
}

func TestLoadModelErrors(t *testing.T) {
	m, _ := trainedModel(t)
	good := filepath.Join(t.TempDir(), "good")
	if err := Save(m, good); err != nil {
		t.Fatal(err)
	}
	small, err := fashion.New(testBackend(), mlp(7), 1)
	if err != nil {
		t.Fatal(err)
	}
	smallDir := filepath.Join(t.TempDir(), "small")
	if err := Save(small, smallDir); err != nil {
		t.Fatal(err)
	}
	setJSON := func(key string, value any) func(string) {
		return func(dir string) {
			mf := readModelJSON(t, dir)
			mf[key] = value
			writeModelJSON(t, dir, mf)
		}
	}
	tests := []struct {
		name, want string
		dir        func(t *testing.T) string
	}{
		{"missing", "no model at", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") }},
		{"empty directory", "is not a saved model", func(t *testing.T) string { return t.TempDir() }},
		{"interrupted first save", "a save was interrupted", func(t *testing.T) string {
			return modelVariant(t, good, func(dir string) { os.Remove(filepath.Join(dir, modelFileName)) })
		}},
		{"corrupt model.json", "is corrupt", func(t *testing.T) string {
			return modelVariant(t, good, func(dir string) { os.WriteFile(filepath.Join(dir, modelFileName), []byte("{\"format\": "), 0o644) })
		}},
		{"newer version", "newer version", func(t *testing.T) string { return modelVariant(t, good, setJSON("version", 3)) }},
		{"older version", "older version", func(t *testing.T) string { return modelVariant(t, good, setJSON("version", 1)) }},
		{"other format", "has format", func(t *testing.T) string { return modelVariant(t, good, setJSON("format", "keras/h5")) }},
		{"no weights named", "does not name its weights", func(t *testing.T) string { return modelVariant(t, good, setJSON("weights", nil)) }},
		{"weights outside the directory", "does not name its weights", func(t *testing.T) string {
			return modelVariant(t, good, func(dir string) {
				mf := readModelJSON(t, dir)
				mf["weights"].(map[string]any)["dir"] = "../../etc"
				writeModelJSON(t, dir, mf)
			})
		}},
		{"no checkpoint", "missing", func(t *testing.T) string {
			return modelVariant(t, good, func(dir string) { os.RemoveAll(filepath.Join(dir, weightsDirs(t, dir)[0])) })
		}},
		{"no checkpoint index", "missing", func(t *testing.T) string {
			return modelVariant(t, good, func(dir string) { os.Remove(weightsFile(t, dir, ".json")) })
		}},
		{"truncated values", "needs between", func(t *testing.T) string {
			return modelVariant(t, good, func(dir string) {
				p := weightsFile(t, dir, ".bin")
				data, _ := os.ReadFile(p)
				os.WriteFile(p, data[:len(data)/4], 0o644)
			})
		}},
		{"random bytes", "is corrupt: its SHA-256", func(t *testing.T) string {
			return modelVariant(t, good, func(dir string) {
				p := weightsFile(t, dir, ".bin")
				data, _ := os.ReadFile(p)
				for i := range data {
					data[i] = byte(i*7919 + i>>8)
				}
				os.WriteFile(p, data, 0o644)
			})
		}},
		{"one flipped bit", "is corrupt: its SHA-256", func(t *testing.T) string {
			return modelVariant(t, good, func(dir string) {
				p := weightsFile(t, dir, ".bin")
				data, _ := os.ReadFile(p)
				data[len(data)/3] ^= 0x10
				os.WriteFile(p, data, 0o644)
			})
		}},
		{"NaN weights with a matching checksum", "NaN or infinite", func(t *testing.T) string {
			return modelVariant(t, good, func(dir string) {
				rewriteValues(t, dir, func(data []byte) []byte {
					for i := 0; i < 4000; i += 4 {
						binary.LittleEndian.PutUint32(data[i:], math.Float32bits(float32(math.NaN())))
					}
					return data
				})
			})
		}},
		{"index not matching the values", "inconsistent", func(t *testing.T) string {
			return modelVariant(t, good, func(dir string) {
				p := weightsFile(t, dir, ".json")
				data, _ := os.ReadFile(p)
				data = []byte(strings.Replace(string(data), "784", "785", 1))
				os.WriteFile(p, data, 0o644)
				mf := readModelJSON(t, dir)
				sum := sha256.Sum256(data)
				mf["weights"].(map[string]any)["sha256"].(map[string]any)[filepath.Base(p)] = hex.EncodeToString(sum[:])
				writeModelJSON(t, dir, mf)
			})
		}},
		{"checkpoint of another architecture", "do not belong together", func(t *testing.T) string {
			return modelVariant(t, good, func(dir string) {
				mf := readModelJSON(t, dir)
				mf["weights"] = readModelJSON(t, smallDir)["weights"]
				writeModelJSON(t, dir, mf)
				os.CopyFS(filepath.Join(dir, weightsDirs(t, smallDir)[0]), os.DirFS(filepath.Join(smallDir, weightsDirs(t, smallDir)[0])))
			})
		}},
		{"class names do not match", "names 11 classes", func(t *testing.T) string {
			return modelVariant(t, good, setJSON("class_names", append(slices.Clone(fashionmnist.ClassNames[:]), "Hat")))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir(t)
			_, err := Load(testBackend(), dir, fashion.ArticleMLP)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line containing %q", err, tc.want)
			}
		})
	}
}

// TestLoadModelChecksSizesBeforeAllocating loads the article's model (4
// MB of weights) with the model function of a small network: Load must
// refuse it from model.json's layers, before it reads the weights.
func TestLoadModelChecksSizesBeforeAllocating(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "big")
	if err := Save(newTestModel(t), dir); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Load(testBackend(), dir, mlp(7))
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "saved from another model function") {
		t.Fatalf("got %v", err)
	}
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 64 {
		t.Errorf("LoadModel allocated %d MB before refusing", mb)
	}
}

// dropoutMLP is a 784-64-10 network with dropout after its hidden layer.
func dropoutMLP(scope *model.Scope, images *graph.Node) *graph.Node {
	x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
	x = layers.DropoutStatic(scope, activation.Relu(fashion.Dense(scope.In("dense"), x, 64)), 0.5)
	return fashion.Dense(scope.In("dense_1"), x, fashionmnist.NumClasses)
}

// TestDropoutModelSavesAndLoads checks that the random state a model with
// dropout leaves after training is saved and loaded with it.
func TestDropoutModelSavesAndLoads(t *testing.T) {
	train := syntheticSplit(t, "train", 200, 31)
	r := smallRecipe()
	r.Epochs, r.Patience = 2, -1
	m, err := fashion.New(testBackend(), dropoutMLP, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(train, nil, r); err != nil {
		t.Fatal(err)
	}
	a, err := m.Evaluate(train)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "dropout")
	if err := Save(m, dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(testBackend(), dir, dropoutMLP)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Store().GetVariable("/"+model.RNGStateVariableName) == nil {
		t.Error("the random state was not loaded")
	}
	if b, _ := loaded.Evaluate(train); a != b {
		t.Errorf("loaded model evaluates %+v, the saved one %+v", b, a)
	}
}

// TestAdamModelSavesAndLoads checks that a model trained with GoMLX's Adam
// saves and loads, Adam's moments included, and that its saved recipe
// names the optimizer.
func TestAdamModelSavesAndLoads(t *testing.T) {
	train := syntheticSplit(t, "train", 96, 43)
	r := smallRecipe()
	r.Epochs, r.Patience = 1, -1
	r.Optimizer = optimizer.Adam().LearningRate(0.001).Done()
	m := newTestModel(t)
	if _, err := m.Fit(train, nil, r); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "adam")
	if err := Save(m, dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(testBackend(), dir, fashion.ArticleMLP)
	if err != nil {
		t.Fatal(err)
	}
	if o := fmt.Sprint(loaded.Recipe().Optimizer); o != "*optimizer.adam" {
		t.Errorf("the loaded recipe's optimizer is %#v", loaded.Recipe().Optimizer)
	}
	samePredictions(t, m, loaded, train)
}

// TestLoadFindsTheRegisteredModelFn checks that model.json names the model
// function when it is registered, and that Load given no function uses it;
// a model of an unregistered function needs its function.
func TestLoadFindsTheRegisteredModelFn(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "article")
	m := newTestModel(t)
	if err := Save(m, dir); err != nil {
		t.Fatal(err)
	}
	if got := readModelJSON(t, dir)["model_fn"]; got != "ArticleMLP" {
		t.Errorf("model.json names model function %v, want ArticleMLP", got)
	}
	loaded, err := Load(testBackend(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fashion.ModelFnName(loaded.ModelFn()) != "ArticleMLP" || loaded.NumParams() != m.NumParams() {
		t.Errorf("loaded %q with %d parameters", fashion.ModelFnName(loaded.ModelFn()), loaded.NumParams())
	}

	small, err := fashion.New(testBackend(), mlp(7), 1)
	if err != nil {
		t.Fatal(err)
	}
	unnamed := filepath.Join(t.TempDir(), "unnamed")
	if err := Save(small, unnamed); err != nil {
		t.Fatal(err)
	}
	if _, ok := readModelJSON(t, unnamed)["model_fn"]; ok {
		t.Error("model.json names an unregistered function")
	}
	if _, err := Load(testBackend(), unnamed, nil); err == nil || !strings.Contains(err.Error(), "give the function") {
		t.Errorf("loading an unregistered function's model without it: %v", err)
	}
	if _, err := Load(testBackend(), unnamed, mlp(7)); err != nil {
		t.Errorf("with its function: %v", err)
	}
	mf := readModelJSON(t, dir)
	mf["model_fn"] = "NoSuchFn"
	writeModelJSON(t, dir, mf)
	if _, err := Load(testBackend(), dir, nil); err == nil || !strings.Contains(err.Error(), `"NoSuchFn"`) {
		t.Errorf("an unknown name: %v", err)
	}
}
