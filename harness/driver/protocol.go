package driver

import (
	"context"
	"fmt"

	"github.com/expectspec/expectspec/harness/conv"
)

// Driver plays a script as the client on a fresh connection to addr and records what happened.
// Like Run it never fails: a connection that cannot be made sets Timeline.Err, and everything
// the peer does is an event. One implementation exists per conv.Protocol; For picks it.
type Driver interface {
	Play(ctx context.Context, addr string, s conv.Script) *conv.Timeline
}

// HTTP1 is the HTTP/1.1 driver: Run with Options.
type HTTP1 struct{ Options Options }

// Play runs the script with Run.
func (d HTTP1) Play(ctx context.Context, addr string, s conv.Script) *conv.Timeline {
	return Run(ctx, addr, s, d.Options)
}

// For returns the driver for protocol p with options opt (a zero field takes its default; TLS
// set means the protocol runs over TLS), or an error naming a protocol the suite cannot speak
// yet.
func For(p conv.Protocol, opt Options) (Driver, error) {
	switch p {
	case conv.HTTP1:
		return HTTP1{Options: opt}, nil
	case conv.H2:
		if opt.TLS == nil {
			return nil, fmt.Errorf("h2 runs over TLS and no TLS configuration was given (use h2c for cleartext HTTP/2)")
		}
		return HTTP2{Options: opt}, nil
	case conv.H2C:
		if opt.TLS != nil {
			return nil, fmt.Errorf("h2c is cleartext HTTP/2 and a TLS configuration was given (use h2 over TLS)")
		}
		return HTTP2{Options: opt}, nil
	}
	return nil, fmt.Errorf("the suite has no driver for protocol %q (it speaks %s, %s and %s)", p, conv.HTTP1, conv.H2, conv.H2C)
}
