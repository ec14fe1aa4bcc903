package gateways_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestGateways(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "gateways")
}
