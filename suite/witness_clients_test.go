package suite

import (
	"context"
	"sync"

	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/target"
)

// The witness clients meet the client check once each, as under `expectspec run --client`: it
// says whether their output shows response content, which the 1xx cases read.
var (
	clientShowsMu sync.Mutex
	clientShown   = map[string]bool{}
)

func clientShows(t target.Target, timing cases.Timing) bool {
	clientShowsMu.Lock()
	defer clientShowsMu.Unlock()
	if shows, ok := clientShown[t.Name]; ok {
		return shows
	}
	shows, err := checkClient(context.Background(), t, timing)
	Expect(err).NotTo(HaveOccurred(), "the client check of %s", t.Name)
	clientShown[t.Name] = shows
	return shows
}
