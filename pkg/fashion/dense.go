package fashion

import (
	"math"
	"math/rand/v2"
	"reflect"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Dense is a fully connected layer, Keras' Dense without its activation:
// x [B, in] times the weights [in, units], plus the biases [units]. It is
// GoMLX's layers.DenseWithBias with the same variables ("weights" [in,
// units] and "biases" [units]), created in the scope it is given (not in a
// "dense" sub-scope of it), so that scope.In("dense_1") gives Keras' layer
// names: /dense_1/weights and /dense_1/biases.
//
// It differs from layers.DenseWithBias in one thing, on the pure-Go
// backend only: the gradient of the product has its own rule, in the
// layout that backend runs fast. The model's whole gradient still comes
// from GoMLX's automatic differentiation (graph.Gradient). It adds no
// regularization; a model function may add its own
// (train.AddRegularizationLoss), which Fit minimises.
func Dense(scope *model.Scope, x *graph.Node, units int) *graph.Node {
	if x.Rank() != 2 {
		exceptions.Panicf("fashion.Dense takes x [batch, features], got %s: flatten it first, e.g. graph.Reshape(x, -1, features)", x.Shape())
	}
	in := x.Shape().Dimensions[1]
	weights := scope.VariableWithShape("weights", shapes.Make(x.DType(), in, units)).NodeValue(x.Graph())
	biases := scope.VariableWithShape("biases", shapes.Make(x.DType(), units)).NodeValue(x.Graph())
	product := graph.DotGeneral(x, []int{1}, nil, weights, []int{0}, nil) // GoMLX's own gradient.
	if rulesOf(scope, x.Graph()).denseGradient {
		product = denseProduct(x, weights)
	}
	return graph.Add(product, graph.InsertAxes(biases, 0))
}

// graphRules are the choices between equivalent forms of the training
// graph, one set per backend: each form is the faster on one backend and
// not on the other. rulesOf makes the choice, in this one place.
type graphRules struct {
	// denseGradient gives Dense's product denseProduct's gradient rule,
	// instead of GoMLX's generic one.
	denseGradient bool
	// reorderedSGD makes SGD's update in the order sgdState explains (each
	// weight's update one subtraction once the gradient is known), instead
	// of Keras' order (the velocity first, then the weight).
	reorderedSGD bool
}

// pureGoBackendPackage is the Go package that implements GoMLX's pure-Go
// backend ("go"): its Backend type's package, which no other backend
// shares, where its display name could change or be taken.
const pureGoBackendPackage = "github.com/gomlx/compute/internal/gobackend"

// rulesParam is the parameter that overrides rulesOf: as a graph parameter
// for one graph, as a parameter of the store's root scope for all of a
// model's graphs (tests use it to check both forms on one backend, and
// BenchmarkGraphRules to time them).
const rulesParam = "fashion_graph_rules"

// rulesOf returns the rules of graph g: both on for the pure-Go backend,
// whose kernels they were made for, both off elsewhere (XLA).
//
// On XLA (docs/performance.md, "The loop in the graph"): with GoMLX's
// generic gradient XLA's optimised program has no transposes (with
// denseProduct's it had 3 per update), and in Keras' order each old
// velocity is dead once the new one is computed, so that XLA updates the
// velocities in place inside a While; the reordered update reads each old
// velocity twice (for the weight and for the new velocity), and XLA copies
// all 543,860 of them at every update. On the Go backend both rules are
// the faster (docs/performance.md, "What changed, and why").
func rulesOf(scope *model.Scope, g *graph.Graph) graphRules {
	root := scope.Store().RootScope()
	if value, found := root.GetGraphParam(g, rulesParam); found {
		return value.(graphRules)
	}
	if value, found := root.GetParam(rulesParam); found {
		return value.(graphRules)
	}
	goBackend := isPureGo(g.Backend())
	return graphRules{denseGradient: goBackend, reorderedSGD: goBackend}
}

// isPureGo reports whether backend is GoMLX's pure-Go one, by the package
// of its type (which this package does not import: the program chooses
// the backend).
func isPureGo(backend compute.Backend) bool {
	t := reflect.TypeOf(backend)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() == pureGoBackendPackage
}

// denseProduct returns x·w, x [B, K] and w [K, N], with a gradient of two
// plain matrix products: for the gradient δ [B, N] of the product,
//
//	∂x = δ·wᵀ, computed as (w·δᵀ)ᵀ      ∂w = xᵀ·δ
//
// Both are products in the layout [M, K]·[K, N] that the pure-Go backend's
// fast kernels take, with only small [B, ·] matrices transposed. GoMLX's
// generic rule for a matrix product computes ∂w as (δᵀ·x)ᵀ instead: a
// product contracted over the batch axis of both operands (a slower
// kernel), then a transpose of the whole [K, N] result, every step; the
// article's first layer has 392,000 weights. (docs/performance.md has the
// timings.)
//
// graph.IdentityWithCustomGradient gives a gradient rule to one node; a
// product has two operands. So x and w each pass through an identity with
// its own rule (∂x and ∂w above), and the product's output through a third
// one, which only notes δ. Back-propagation reaches that third identity
// before the other two (they are its inputs' inputs), so δ is known when
// their rules run. The generic rule of the product between them is still
// built, but its results are not used, and the backends drop them (dead code).
func denseProduct(x, w *graph.Node) *graph.Node {
	var delta *graph.Node // ∂loss/∂(x·w), set during back-propagation.
	xIn := graph.IdentityWithCustomGradient(x, func(_, _ *graph.Node) *graph.Node {
		// (w·δᵀ)ᵀ = δ·wᵀ
		return graph.Transpose(graph.DotGeneral(w, []int{1}, nil, graph.Transpose(delta, 0, 1), []int{0}, nil), 0, 1)
	})
	wIn := graph.IdentityWithCustomGradient(w, func(_, _ *graph.Node) *graph.Node {
		return graph.DotGeneral(graph.Transpose(x, 0, 1), []int{1}, nil, delta, []int{0}, nil) // xᵀ·δ
	})
	product := graph.DotGeneral(xIn, []int{1}, nil, wIn, []int{0}, nil)
	return graph.IdentityWithCustomGradient(product, func(_, v *graph.Node) *graph.Node {
		delta = v
		return v
	})
}

// glorotStream is the PCG stream of glorotUniform's draws ("glorot").
const glorotStream = 0x676c6f726f74

// glorotUniform returns a variable initializer that draws the weights of
// dense layers (float variables of rank 2, [fan_in, fan_out]) and of
// convolutions (float variables of rank 3 or more, [k₁, ..., in, out],
// GoMLX's channels-last kernel layout, as Keras') from the Glorot-uniform
// distribution U[-limit, limit], limit = sqrt(6 / (fan_in + fan_out)), and
// sets all other variables (the biases, scalars) to zero: Keras'
// initialisation of its Dense and Conv layers. A kernel's fans count its
// receptive field, as Keras and GoMLX count them: fan_in = in·k₁·…,
// fan_out = out·k₁·… (see glorotFans).
//
// GoMLX has the same distribution (initializer.GlorotUniformFn), drawn on
// the backend from the store's random state. This one draws on the host,
// from Go's PCG generator seeded with seed, in the order the variables are
// created: the same seed gives the same weights on every backend (XLA or
// pure Go), and the same weights as earlier versions of this package, so
// that a run with a given seed can be repeated.
func glorotUniform(seed uint64) model.VariableInitializer {
	rng := rand.New(rand.NewPCG(seed, glorotStream))
	return func(g *graph.Graph, shape shapes.Shape) *graph.Node {
		if shape.Rank() < 2 || !shape.DType.IsFloat() {
			return graph.Zeros(g, shape)
		}
		limit := GlorotLimit(glorotFans(shape))
		values := make([]float64, shape.Size())
		for i := range values {
			values[i] = (2*rng.Float64() - 1) * limit
		}
		// Float64 on the host, rounded once to the variable's type: for
		// float32, the same numbers as float32(value).
		return graph.ConvertDType(graph.Reshape(graph.Const(g, values), shape.Dimensions...), shape.DType)
	}
}

// glorotFans returns the fan-in and fan-out of a weight variable of rank 2
// or more: [in, out] for a dense layer; for a convolution kernel [k₁, ...,
// kₙ, in, out], in and out times the receptive field k₁·…·kₙ, as Keras'
// compute_fans (and GoMLX's initializer) count them.
func glorotFans(shape shapes.Shape) (fanIn, fanOut int) {
	rank := shape.Rank()
	receptive := 1
	for _, d := range shape.Dimensions[:rank-2] {
		receptive *= d
	}
	return shape.Dimensions[rank-2] * receptive, shape.Dimensions[rank-1] * receptive
}

// GlorotLimit returns sqrt(6 / (fanIn + fanOut)), the bound of the
// Glorot-uniform distribution.
func GlorotLimit(fanIn, fanOut int) float64 {
	return math.Sqrt(6 / float64(fanIn+fanOut))
}
