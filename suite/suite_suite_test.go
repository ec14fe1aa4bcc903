package suite

import (
	"sync"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

func TestSuite(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "suite: witnesses and the CLI")
}

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// cliBinary is the expectspec command, built once per test run for every spec that runs it the
// way a user does; the build is removed after the suite.
func cliBinary() string {
	cliOnce.Do(func() { cliPath, cliErr = gexec.Build("github.com/expectspec/expectspec/suite/cmd/expectspec") })
	Expect(cliErr).NotTo(HaveOccurred())
	return cliPath
}

var _ = AfterSuite(gexec.CleanupBuildArtifacts)
