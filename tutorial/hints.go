package tutorial

// exercise is what Hint and Solution know of one exercise: its hints, from
// a nudge to nearly the answer, and its answer: a sentence, or, where the
// learner writes Go, the answer function of answers.go (code) that
// Solution prints under the exercise's name, with the sentence (answer)
// saying what it does.
type exercise struct {
	hints  []string
	answer string
	code   string
}

// exercises are the tutorial's exercises by name, the name the failed
// checks print (tutorial.Hint("scale", 1)); for those where the learner
// writes a function, the function's name.
var exercises = map[string]exercise{
	// Chapter 1.
	"inputs-outputs": {
		hints: []string{
			"The network reads one number per pixel of one image, and gives one number per class.",
			"Count the pixels of one image (rows × columns, chapter 1's pictures are square) and the classes (labels 0 to 9).",
		},
		answer: "tutorial.CheckInputsAndOutputs(784, 10): 28 × 28 = 784 pixel values in, one probability per class, 10, out.",
	},
	// Chapter 2.
	"or": {
		hints: []string{
			"OR is AND with a lower bar: one input at 1 must be enough to make the sum reach 0.",
			"At (0, 0) the sum is the bias alone: it must be below 0. At (1, 0) it is w1 + bias and at (0, 1) w2 + bias: both must be 0 or more.",
		},
		answer: "weights []float64{1, 1} and bias -0.5: the sum is -0.5 at (0, 0), 0.5 or 1.5 elsewhere. (Any weights w1, w2 >= -bias > 0 work.)",
	},
	// Chapter 3.
	"matplotlib": {
		hints: []string{
			"The table at the top of the chapter has a row for the figures.",
			"The library belongs to Gonum, the family of numerical libraries for Go; the chapter's section on it says its name.",
		},
		answer: `"gonum/plot" (its module path is gonum.org/v1/plot; the project's pkg/viz draws with it).`,
	},
	// Chapter 4.
	"sandals": {
		hints: []string{
			"The whole training file is two partitions: the training set and the validation set.",
			"Read the Sandal row of the table and add two of its columns; the test column is another file.",
		},
		answer: "6000: the Sandal row's training and validation columns, 5507 + 493. Every class has 6,000 images in the training file.",
	},
	// Chapter 5.
	"partitions": {
		hints: []string{
			"The test set is the test file. The validation set is taken out of the training file, and the training set is what is left.",
			"The training file holds 60,000 images and the test file 10,000; the validation set is the first 5,000 of the training file.",
		},
		answer: "tutorial.CheckPartitions(d, 55000, 5000, 10000).",
	},
	// Chapter 6.
	"scaled-pixel": {
		hints: []string{
			"Read the stored byte of that pixel, as the cell above the exercise reads six of row 14, then scale it as the network does.",
			"Pixel (row, column) of image i is d.TrainFile.Pixels(i)[row*28+column], a byte from 0 to 255; print it in a new cell, and divide it by 255 as a float (float64(b) / 255).",
		},
		answer: "fmt.Println(float64(d.TrainFile.Pixels(0)[20*28+5]) / 255) in a new cell prints it; put that number in the check.",
	},
	"scale": {
		hints: []string{
			"Each byte p becomes p / 255, a float32; the function returns one value per byte, in the same order.",
			"Loop over the pixels with their index (for i, p := range pixels) and set out[i]. Convert p to float32 before dividing: with integers, 51 / 255 is 0.",
		},
		answer: "one float32 per byte, the byte divided by 255",
		code:   "answerScale",
	},
	// Chapter 7.
	"mlp": {
		hints: []string{
			"One line per Keras layer of the article: Flatten, Dense(500, relu), Dense(250, relu), Dense(100, relu), Dense(10). Each dense layer reads the previous one's output, x.",
			"A dense layer is fashion.Dense(scope.In(name), x, units), in a scope of its own (\"dense\", \"dense_1\", \"dense_2\", \"dense_3\"); activation.Relu(...) around the three hidden ones; the last one returns the logits, with no activation.",
		},
		answer: "the article's network, layer by layer",
		code:   "answerMLP",
	},
	// Chapter 8.
	"crossEntropy": {
		hints: []string{
			"For each image, the loss is -log p_y, where p_y is the probability softmax gives to the image's label y; the batch's loss is their mean, one number.",
			"graph.LogSoftmax(logits) gives log p_k for every image and class, [B, 10]. To keep the label's column, multiply by a one-hot matrix of the labels (graph.OneHot, on the labels reshaped to [B]) and sum each row (graph.ReduceSum over axis 1).",
			"Then the mean over the batch, graph.ReduceAllMean, and the minus sign, graph.Neg: log p_y is negative, the loss positive.",
		},
		answer: "-log softmax(logits)[label], averaged over the batch",
		code:   "answerCrossEntropy",
	},
	"nesterov": {
		hints: []string{
			"Two lines, in this order: first the new velocity, from the old one and the gradient; then the new weights, from the old weights, the new velocity and the gradient. Return both.",
			"graph.MulScalar(x, c) multiplies a node by a Go number (μ·v, η·g); graph.Add and graph.Sub take two nodes of the same shape. The weights' line uses the velocity you just computed, not v.",
		},
		answer: "Keras' rule, v ← μ·v − η·g, then w ← w + μ·v − η·g with the new v",
		code:   "answerNesterov",
	},
	"newTrainStep": {
		hints: []string{
			"The step does what train.Trainer does for each batch: the batch's loss, the total loss of the graph, the optimizer's update from it, and it returns the total loss.",
			"Three calls of GoMLX after the loss: train.AddMainLoss records a loss as the graph's main loss; train.TotalLoss of the graph returns the main loss plus what the model recorded (regularisers); the optimizer's UpdateGraph, given the scope, the graph and that total, builds the gradients and the update.",
		},
		answer: "the loss of the batch, the total loss, the optimizer's update, as train.Trainer builds a step",
		code:   "answerNewTrainStep",
	},
	"trainEpoch": {
		hints: []string{
			"Loop over the epoch's batches (for batch, err := range batches.Iter()), run the compiled step on each, and average the losses it returns over the epoch's images.",
			"exec.Call1(images, labels) runs one step and returns the batch's loss, a tensor: tensors.ToScalar[float32](l). The last batch is smaller: weigh each batch's loss by its size (labels.Shape().Dimensions[0]) and divide the sum by the number of images.",
		},
		answer: "the batch loop: one step per batch, the mean loss over the images",
		code:   "answerTrainEpoch",
	},
	"learning-rate": {
		hints: []string{
			"The rate after t updates is the initial rate divided by (1 + decay · t); here t counts the updates of 10 epochs.",
			"Let Go compute it: in a new cell, fmt.Println(lr0 / (1 + decay*t)) with the article's initial rate and decay (the recipe's table) and t = 17190. Copy the number with its digits.",
		},
		answer: "0.01 / (1 + 1e-6 * 17190) = 0.0098310 (lr := 0.01 / (1 + 1e-6*17190) also works)",
	},
	// Chapter 9.
	"hardest-class": {
		hints: []string{
			"The bar chart under the confusion matrix gives each class's accuracy: the share of its test images the model gets right.",
			"The class the model gets wrong most often has the shortest bar (the lowest share right); write its name as the chart labels it.",
		},
		answer: "the class with the shortest bar of ShowConfusion's per-class accuracy chart; it depends on your model. " +
			"In code: p := tutorial.Must(m.PredictAll(d.Test)); for each class, count its images (p.Split.Labels()) and those predicted right (p.Classes), and take the class with the lowest share.",
	},
	"accuracy": {
		hints: []string{
			"Count the images whose predicted class equals their label, then turn the count into a share of all the images.",
			"Convert to float64 before dividing: with integers, 3 / 4 is 0.",
		},
		answer: "the number of right predictions divided by the number of images",
		code:   "answerAccuracy",
	},
	// Chapter 10.
	"predictClasses": {
		hints: []string{
			"For each row, look for the position of its largest value; positions count from 0, like the labels.",
			"Keep the best position so far, starting at 0, and replace it whenever a later value of the row is larger.",
		},
		answer: "the position of each row's largest value",
		code:   "answerPredictClasses",
	},
	"prediction": {
		hints: []string{
			"printPredictions(m, d, first, n) prints the class the model predicts for test images first to first+n-1.",
			"In a new cell, call printPredictions with the trained model (tutorial.TrainedModelOf(modelFn)), the data (tutorial.LoadData()), first = 100 and n = 1; write the class name it prints between the quotes.",
		},
		answer: "the class printPredictions(tutorial.TrainedModelOf(modelFn), tutorial.LoadData(), 100, 1) prints; it depends on your model.",
	},
	// Chapter 11.
	"saved-file": {
		hints: []string{
			"The chapter's list of what a saved model holds says which file describes the model for people and programs.",
			"It is a JSON file directly in the model's directory, not in the checkpoint's folder.",
		},
		answer: `"model.json"`,
	},
	// Chapter 12.
	"updates-per-epoch": {
		hints: []string{
			"The weights change once per batch: count the batches of one epoch.",
			"55,000 images in batches of 32: the full batches, and one more for the images left over.",
		},
		answer: "1719: 1,718 full batches of 32 make 54,976 images, and the 24 left over make one more batch.",
	},
	"watched-split": {
		hints: []string{
			"Early stopping must notice when the model stops getting better on images it does not learn from.",
			"Chapter 5 gives each partition one job; one of them is watched after every epoch, and another is kept for the very end.",
		},
		answer: `"validation": early stopping watched the validation loss (val_loss).`,
	},
	// Chapter 13.
	"corr2d": {
		hints: []string{
			"The output has one value per position where the kernel fits inside x: (H-kh+1) × (W-kw+1). Each is the sum of the kernel's values times the pixels under it.",
			"Sum over the kernel's positions (a, b) instead of the output's: for each (a, b), the slice of x that starts at row a and column b, of the output's size (graph.Slice with graph.AxisRange), times k[a, b] (graph.Slice with graph.AxisElem, then graph.Reshape to a scalar).",
		},
		answer: "the sum, over the kernel's positions (a, b), of x shifted by (a, b) times k[a, b]",
		code:   "answerCorr2d",
	},
	"conv-shapes": {
		hints: []string{
			"A 3×3 kernel with zero padding of 1 on each side keeps the height and width; a stride of 2 keeps every other position. Each filter makes one channel.",
			"The output's size along an axis of n pixels is ⌊(n + 2p − k) / s⌋ + 1, with padding p, kernel k, stride s; its channels are the layer's filters.",
		},
		answer: "conv: (14, 14, 16); conv_1: (7, 7, 32). ⌊(28 + 2 − 3) / 2⌋ + 1 = 14 and ⌊(14 + 2 − 3) / 2⌋ + 1 = 7.",
	},
	"conv-params": {
		hints: []string{
			"A convolution layer has one weight per (kernel row, kernel column, input channel, filter) and one bias per filter; a dense layer one weight per (input, unit) and one bias per unit.",
			"conv reads 1 channel and makes 16; conv_1 reads conv's 16 and makes 32; dense reads the 7 × 7 × 32 values conv_1 makes, flattened.",
		},
		answer: "conv 3·3·1·16 + 16 = 160; conv_1 3·3·16·32 + 32 = 4,640; dense 1,568·64 + 64 = 100,416.",
	},
}
