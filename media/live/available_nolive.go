//go:build !live

package live

// Available reports whether the binary was built with the live encoder
// (build tag "live").
const Available = false
