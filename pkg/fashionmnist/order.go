package fashionmnist

import "math/rand/v2"

// EpochOrder returns the order in which epoch (counted from 0) of a
// training run visits n examples: a permutation that depends only on seed
// and epoch, so that a run, or a run resumed at some epoch, sees exactly
// the same batches. fashion.Fit and fashion.Batches both draw their
// batches in this order.
func EpochOrder(n int, seed uint64, epoch int) []int {
	rng := rand.New(rand.NewPCG(seed, uint64(epoch)))
	return rng.Perm(n)
}
