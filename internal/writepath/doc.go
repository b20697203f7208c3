// Package writepath checks, before any work, a path the program will create
// and write into: where the path really leads (Resolve: its symbolic links
// followed, a dangling one refused, since creating through it would put
// the directory where the link points, out of the user's sight), whether
// its names fit the file system's limits (CheckNames), and whether a file
// can be created there (CheckDir, Ancestor, Probe). The programs check
// every path of a run this way before the long work starts, so that a
// mistake costs a second, not a training.
package writepath
