package server

import "errors"

// ErrConfig wraps every configuration error.
var ErrConfig = errors.New("server: invalid configuration")

// ErrClosed is returned by Start's server methods after Close.
var ErrClosed = errors.New("server: closed")
