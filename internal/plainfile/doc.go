// Package plainfile opens the files and directories the project reads from
// paths a user controls (saved models, their markers and checkpoints, data
// files, pictures) so that nothing in their place can hang or flood the
// program: a FIFO, a device or a socket is refused with an error naming
// it, instead of being opened for reading (opening a FIFO waits for a
// writer for ever; /dev/zero never ends). Files are opened without
// blocking, checked with fstat on the descriptor itself (no race with a
// rename), then read (O_NONBLOCK changes nothing for a regular file); reads are
// bounded.
package plainfile
