package suite

import (
	"testing"

	"github.com/expectspec/expectspec/harness/target"
)

// The HTTP/2 catalogue (every origin case that applies over h2) against Go's net/http server,
// the embedded h2 defaults: in cleartext by prior knowledge, and over TLS with h2 by ALPN (the
// handshake is part of every conversation). The bar: under 1 s of wall time per run.

func BenchmarkCatalogueH2C(b *testing.B) {
	benchTarget(b, func() (target.Target, error) { return target.StartNetHTTPH2(false) })
}

func BenchmarkCatalogueH2TLS(b *testing.B) {
	benchTarget(b, func() (target.Target, error) { return target.StartNetHTTPH2(true) })
}
