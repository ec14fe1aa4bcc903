package results_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/results"
)

var _ = Describe("Matrix", func() {
	It("prints a verdict per case and target, FLAKY with the worst verdict, not run, and - for no result", func() {
		var b bytes.Buffer
		Expect(results.Matrix(&b, special())).To(Succeed())
		Expect(b.String()).To(Equal(`  [1] go go1.26
  [2] nginx 1.24.0
  [3] squid 6.10
  [4] caddy
case                       [1]          [2]    [3]   [4]
origin/immediate-100       PASS         WARN   -     n/a
origin/no-100-after-final  FLAKY(FAIL)  ERROR  -     n/a
origin/417-unknown         not run      PASS   -     n/a
proxy/forward-100          n/a          -      PASS  -
`))
	})
})
