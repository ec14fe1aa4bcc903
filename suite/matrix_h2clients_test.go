package suite

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/recipes"
	"github.com/expectspec/expectspec/results"
)

// The HTTP/2 client recipes as `make matrix` runs them: the child run's server speaks HTTP/2
// over TLS (--client-tls --client-protocol h2), the row is "NAME [h2]" and holds the HTTP/2
// client cases only. As for HTTP/1.1, curl (which .ci/run installs) must get its baseline's
// verdicts at the baseline's version; every other h2 client runs where it is installed.
var _ = Describe("expectspec matrix with HTTP/2 client recipes", Label("matrix"), func() {
	It("runs curl over HTTP/2 as the row curl [h2] and gets the verdicts of its baseline", func() {
		f := runClientRecipe("curl-h2")
		Expect(f.Results).To(HaveEach(HaveField("Verdict", Not(Equal(results.NA)))), "curl did not speak h2")
		expectBaselineVerdicts("curl-h2", f)
	})

	DescribeTable("runs every other HTTP/2 client recipe that is installed, with no error cell",
		func(name string) {
			f := runClientRecipe(skipUnlessInstalled(name))
			// na is what a client that selects http/1.1 gets: the row would not be HTTP/2's
			Expect(f.Results).To(HaveEach(HaveField("Verdict", Not(Equal(results.NA)))), name+" did not speak h2")
		},
		Entry(nil, "go-http-client-h2"), Entry(nil, "node-http2-h2"),
	)

	It("has a spec above for every HTTP/2 client recipe, each named NAME-h2 with the row NAME [h2]", func() {
		rows := map[string]string{}
		for _, r := range recipes.All() {
			if r.Role == recipes.Client && r.H2 {
				rows[r.Name] = r.Row()
			}
		}
		Expect(rows).To(Equal(map[string]string{"curl-h2": "curl [h2]", "go-http-client-h2": "go-http-client [h2]",
			"node-http2-h2": "node-http2 [h2]"}))
	})
})
