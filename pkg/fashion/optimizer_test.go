package fashion

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/fashiontest"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// runSGD applies `steps` updates of o to w, minimising 0.5 * sum(w²) (whose
// gradient is w itself), one update per execution, and returns w, the
// velocity and the update count.
func runSGD(t *testing.T, o SGD, w0 []float32, steps int) (w, velocity []float32, updates int64) {
	t.Helper()
	return runSGDExecutions(t, o, w0, steps, 1, rulesOf)
}

// runSGDExecutions is runSGD with perExecution updates in each execution's
// graph, as Fit makes them, and the graph's rules from rules (rulesOf, or
// a choice to test on this backend).
func runSGDExecutions(t *testing.T, o SGD, w0 []float32, executions, perExecution int,
	rules func(*model.Scope, *graph.Graph) graphRules) (w, velocity []float32, updates int64) {
	t.Helper()
	store := model.NewStore()
	wVar, err := store.CreateVariable("/w", tensors.FromFlatDataAndDimensions(w0, len(w0)))
	if err != nil {
		t.Fatal(err)
	}
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, g *graph.Graph) *graph.Node {
		scope.Store().RootScope().SetGraphParam(g, rulesParam, rules(scope, g))
		var loss *graph.Node
		for range perExecution {
			loss = graph.MulScalar(graph.ReduceAllSum(graph.Square(wVar.NodeValue(g))), 0.5)
			o.UpdateGraph(scope, g, loss)
		}
		return loss
	})
	if err != nil {
		t.Fatal(err)
	}
	for range executions {
		if _, err := exec.Call(); err != nil {
			t.Fatal(err)
		}
	}
	w, err = variableData(wVar)
	if err != nil {
		t.Fatal(err)
	}
	velocity, err = variableData(store.GetVariable(sgdScope + "/w"))
	if err != nil {
		t.Fatal(err)
	}
	return w, velocity, optimizer.GetGlobalStep(store)
}

func TestSGDFirstStepByHand(t *testing.T) {
	// w = [1, 2], gradient = w, lr = 0.1, momentum 0.9:
	//   velocity = 0.9*0 - 0.1*[1, 2]            = [-0.1, -0.2]
	//   Nesterov: w + 0.9*velocity - 0.1*[1, 2]  = [0.81, 1.62]
	//   classic:  w + velocity                   = [0.9, 1.8]
	o := SGD{LearningRate: 0.1, Momentum: 0.9, Nesterov: true}
	w, v, n := runSGD(t, o, []float32{1, 2}, 1)
	assertClose(t, "nesterov w", w, []float64{0.81, 1.62})
	assertClose(t, "velocity", v, []float64{-0.1, -0.2})
	if n != 1 {
		t.Errorf("update count %d, want 1", n)
	}
	o.Nesterov = false
	w, _, _ = runSGD(t, o, []float32{1, 2}, 1)
	assertClose(t, "classic w", w, []float64{0.9, 1.8})
}

func TestSGDMatchesKerasFormulas(t *testing.T) {
	// Several steps with a strong decay, against Keras' update rule written
	// out in float64.
	for _, nesterov := range []bool{true, false} {
		o := SGD{LearningRate: 0.05, Decay: 0.5, Momentum: 0.8, Nesterov: nesterov}
		w0 := []float32{1, -3, 0.5}
		want := []float64{1, -3, 0.5}
		vel := make([]float64, len(want))
		const steps = 5
		for step := range steps {
			lr := 0.05 / (1 + 0.5*float64(step))
			for i := range want {
				g := want[i]
				vel[i] = 0.8*vel[i] - lr*g
				if nesterov {
					want[i] += 0.8*vel[i] - lr*g
				} else {
					want[i] += vel[i]
				}
			}
		}
		w, v, n := runSGD(t, o, w0, steps)
		assertClose(t, "w", w, want)
		assertClose(t, "velocity", v, vel)
		if n != steps {
			t.Errorf("update count %d, want %d", n, steps)
		}
		// The same updates, all in one graph, as Fit makes them, in both
		// orders of the update (graphRules.reorderedSGD).
		for _, reordered := range []bool{true, false} {
			w, v, n = runSGDExecutions(t, o, w0, 1, steps, func(*model.Scope, *graph.Graph) graphRules {
				return graphRules{reorderedSGD: reordered}
			})
			assertClose(t, "w (one graph)", w, want)
			assertClose(t, "velocity (one graph)", v, vel)
			if n != steps {
				t.Errorf("update count %d in one graph, want %d", n, steps)
			}
		}
		if got, want := o.LearningRateAt(4), 0.05/3; math.Abs(got-want) > 1e-12 {
			t.Errorf("LearningRateAt(4) = %v, want %v", got, want)
		}
	}
}

// assertClose compares float32 results with float64 expectations.
func assertClose(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i])-want[i]) > 1e-5*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

func TestEarlyStopping(t *testing.T) {
	losses := []float64{1.0, 0.8, 0.85, 0.9, 0.79, 0.8, 0.81, 0.82, 0.5}
	run := func(e *EarlyStopping) (stopAt, best int) {
		for i, l := range losses {
			switch err := e.OnEpochEnd(nil, EpochLog{Epoch: i + 1, ValLoss: l}); {
			case errors.Is(err, ErrStopTraining):
				return i + 1, e.BestEpoch
			case err != nil:
				t.Fatal(err)
			}
		}
		return 0, e.BestEpoch
	}
	// 0.79 at epoch 5 improves on 0.8; then three epochs without improvement.
	if stop, best := run(&EarlyStopping{Patience: 3}); stop != 8 || best != 5 {
		t.Errorf("patience 3: stop at %d, best %d; want 8 and 5", stop, best)
	}
	// With min_delta 0.05, epoch 5 (0.79 vs 0.8) is no improvement.
	if stop, best := run(&EarlyStopping{Patience: 3, MinDelta: 0.05}); stop != 5 || best != 2 {
		t.Errorf("min delta 0.05: stop at %d, best %d; want 5 and 2", stop, best)
	}
	// Patience 0 stops at the first epoch that does not improve.
	if stop, _ := run(&EarlyStopping{Patience: 0}); stop != 3 {
		t.Errorf("patience 0: stop at %d, want 3", stop)
	}
	// A negative patience never stops, but still tracks the best epoch.
	if stop, best := run(&EarlyStopping{Patience: -1}); stop != 0 || best != 9 {
		t.Errorf("patience -1: stop at %d, best %d; want no stop and 9", stop, best)
	}
}

// TestRulesOf checks the choice of graph rules: the pure-Go backend's (by
// the package of its type), an
// override for all of a store's graphs, and one for a single graph, which
// wins.
func TestRulesOf(t *testing.T) {
	store := model.NewStore()
	g := graph.NewGraph(testBackend(), "rules")
	if !isPureGo(fashiontest.GoBackend()) {
		t.Fatal("the pure-Go backend is not recognised as such")
	}
	goBackend := isPureGo(testBackend())
	if got := rulesOf(store.RootScope(), g); got.denseGradient != goBackend || got.reorderedSGD != goBackend {
		t.Errorf("rules on %s: %+v, want both %v", testBackend().Name(), got, goBackend)
	}
	store.RootScope().SetParam(rulesParam, graphRules{reorderedSGD: true})
	if got := rulesOf(store.RootScope().In("dense"), g); got != (graphRules{reorderedSGD: true}) {
		t.Errorf("rules overridden for the store: %+v", got)
	}
	store.RootScope().SetGraphParam(g, rulesParam, graphRules{})
	if got := rulesOf(store.RootScope(), g); got != (graphRules{}) {
		t.Errorf("rules overridden for the graph: %+v", got)
	}
}

// TestEarlyStoppingTieIsNoImprovement checks that an improvement is a loss
// strictly below the best by more than MinDelta: a tie, or a decrease of
// exactly MinDelta, counts as an epoch without improvement.
func TestEarlyStoppingTieIsNoImprovement(t *testing.T) {
	for _, tc := range []struct {
		minDelta float64
		losses   []float64
	}{
		{0, []float64{0.5, 0.5, 0.5}},      // ties
		{0.25, []float64{0.5, 0.25, 0.25}}, // exactly MinDelta lower (all exact in binary)
	} {
		e := &EarlyStopping{Patience: 2, MinDelta: tc.minDelta}
		var errs []error
		for i, l := range tc.losses {
			errs = append(errs, e.OnEpochEnd(nil, EpochLog{Epoch: i + 1, ValLoss: l}))
		}
		if e.BestEpoch != 1 || e.Wait != 2 || errs[1] != nil || !errors.Is(errs[2], ErrStopTraining) {
			t.Errorf("min delta %g, losses %v: best epoch %d, wait %d, errors %v; want best epoch 1, wait 2, a stop after epoch 3",
				tc.minDelta, tc.losses, e.BestEpoch, e.Wait, errs)
		}
	}
}

// TestFitWithGoMLXAdam gives Fit GoMLX's own Adam: it trains, its moments
// are training state, and the history reports no learning rate (Adam has no
// LearningRateAt).
func TestFitWithGoMLXAdam(t *testing.T) {
	train := syntheticSplit(t, "train", 320, 41)
	r := smallRecipe()
	r.Epochs, r.Patience = 3, -1
	r.Optimizer = optimizer.Adam().LearningRate(0.001).Done()
	m := newTestModel(t)
	before, err := m.Evaluate(train)
	if err != nil {
		t.Fatal(err)
	}
	h, err := m.Fit(train, nil, r)
	if err != nil {
		t.Fatal(err)
	}
	after, err := m.Evaluate(train)
	if err != nil {
		t.Fatal(err)
	}
	if after.Loss > before.Loss/2 || after.Accuracy < 0.9 || h.Last().Loss >= h.Epochs[0].Loss {
		t.Errorf("Adam did not train: loss %.4f -> %.4f, accuracy %.3f, history %+v", before.Loss, after.Loss, after.Accuracy, h.Epochs)
	}
	if lr := h.Last().LearningRate; lr != 0 {
		t.Errorf("reported learning rate %g, want none (0)", lr)
	}
	adamState := 0
	for v := range m.Store().IterVariables() {
		if strings.HasPrefix(v.Path(), "/"+optimizer.AdamDefaultScope+"/") {
			adamState++
			if !IsTrainingState(v.Path()) {
				t.Errorf("Adam's %s is not training state", v.Path())
			}
		}
	}
	if adamState == 0 {
		t.Error("no variable of Adam's in the store")
	}
}

// TestRecipeJSON checks what a saved recipe holds of its optimizer: an
// SGD's settings, under the same names as before optimizers were an
// interface, and another optimizer's Go type, which cannot train again; a
// record of an older version (a name and a learning rate) reads the same.
func TestRecipeJSON(t *testing.T) {
	r := ArticleRecipe()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"optimizer":{"learning_rate":0.01,"decay":0.000001,"momentum":0.9,"nesterov":true}`; !strings.Contains(string(data), want) {
		t.Errorf("%s lacks %s", data, want)
	}
	var back Recipe
	if err := json.Unmarshal(data, &back); err != nil || back.Optimizer != r.Optimizer || back.Epochs != r.Epochs {
		t.Errorf("read back %+v, %v", back, err)
	}
	r.Optimizer = optimizer.Adam().Done()
	if data, err = json.Marshal(r); err != nil || !strings.Contains(string(data), `"optimizer":{"name":"*optimizer.adam"}`) {
		t.Fatalf("%s, %v", data, err)
	}
	old := strings.Replace(string(data), `{"name":"*optimizer.adam"}`, `{"name":"adam","learning_rate":0.001}`, 1)
	for _, record := range []string{string(data), old} {
		if err := json.Unmarshal([]byte(record), &back); err != nil {
			t.Fatal(err)
		}
		if name := fmt.Sprint(back.Optimizer); name != "*optimizer.adam" && name != "adam" {
			t.Errorf("read back %#v", back.Optimizer)
		}
		if err := back.Validate(); err == nil || !strings.Contains(err.Error(), "give it again") {
			t.Errorf("a recorded optimizer trains: %v", err)
		}
		if again, err := json.Marshal(back); err != nil || !strings.Contains(string(again), `"optimizer":{"name":"`+fmt.Sprint(back.Optimizer)+`"}`) {
			t.Errorf("saved again: %s, %v", again, err)
		}
	}
}

// TestRecipeLoss checks that Fit minimises, and Evaluate measures, the
// recipe's loss: a loss of zero gives no gradient, so the weights stay.
func TestRecipeLoss(t *testing.T) {
	train := syntheticSplit(t, "train", 64, 42)
	r := smallRecipe()
	r.Epochs, r.Patience = 1, -1
	r.Loss = func(labels, logits []*graph.Node) *graph.Node {
		return graph.MulScalar(loss.SparseCategoricalCrossEntropyLogits(labels, logits), 0)
	}
	m := newTestModel(t)
	w0, err := m.Weights("dense")
	if err != nil {
		t.Fatal(err)
	}
	h, err := m.Fit(train, nil, r)
	if err != nil {
		t.Fatal(err)
	}
	w1, _ := m.Weights("dense")
	metrics, _ := m.Evaluate(train)
	if h.Last().Loss != 0 || metrics.Loss != 0 || !slices.Equal(w0.Weights[0], w1.Weights[0]) {
		t.Errorf("a zero loss: history loss %g, evaluated %g, weights changed %v", h.Last().Loss, metrics.Loss, !slices.Equal(w0.Weights[0], w1.Weights[0]))
	}
}
