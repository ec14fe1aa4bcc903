package reference_test

import (
	"runtime"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/reference"
)

var _ = Describe("the server's life cycle", func() {
	It("names its address and upload URL", func() {
		srv := start(reference.Behaviour{})
		Expect(srv.Addr()).To(HavePrefix("127.0.0.1:"))
		Expect(srv.URL()).To(Equal("http://" + srv.Addr() + "/upload"))
	})

	It("closes a connection that stays silent past the idle timeout", func() {
		c := dial(start(reference.Behaviour{}, reference.WithIdleTimeout(200*time.Millisecond)))
		c.closed(within)
	})

	It("ends a mutant's hang at the idle timeout", func() {
		c := dial(start(reference.Behaviour{NoFinalAfterContinue: true}, reference.WithIdleTimeout(200*time.Millisecond)))
		withheld(c, "Expect: 100-continue")
		c.exact(continueBytes)
		c.send("hello")
		c.closed(within)
	})

	It("closes every connection, whatever it waits for, and leaves no goroutine behind", func() {
		before := runtime.NumGoroutine()
		long := []reference.Option{reference.WithIdleTimeout(time.Minute), reference.WithLinger(time.Minute)}
		var servers []*reference.Server
		var clients []*client
		open := func(b reference.Behaviour, send string) {
			srv, err := reference.Start(b, long...)
			Expect(err).NotTo(HaveOccurred())
			servers = append(servers, srv)
			c := dial(srv)
			clients = append(clients, c)
			if send != "" {
				c.send(send)
			}
		}
		open(reference.Behaviour{}, "")                                                     // waiting for a request
		open(reference.Behaviour{}, post("/nope", 100, "Expect: 100-continue"))             // discarding content
		open(reference.Behaviour{CloseAfterEarly: true}, post("/nope", 100))                // lingering close
		open(reference.Behaviour{ContinueDelay: time.Minute}, post(reference.UploadPath, 5, // sleeping before a 100
			"Expect: 100-continue"))
		open(reference.Behaviour{OversizeHang: true}, post(reference.UploadPath, 5, // hanging without reading
			"X: "+strings.Repeat("a", 10<<10)))
		open(reference.Behaviour{}, post(reference.UploadPath, 5, "Expect: 100-continue", // echoing
			"Upgrade: "+reference.UpgradeProtocol, "Connection: upgrade")+"hello")
		time.Sleep(50 * time.Millisecond) // let every connection reach its wait
		Expect(runtime.NumGoroutine()).To(BeNumerically(">", before))

		began := time.Now()
		for _, srv := range servers {
			Expect(srv.Close()).To(Succeed())
		}
		Expect(time.Since(began)).To(BeNumerically("<", time.Second))
		for _, c := range clients {
			c.drainToClose(within)
		}
		Eventually(runtime.NumGoroutine).WithTimeout(2 * time.Second).WithPolling(10 * time.Millisecond).
			Should(BeNumerically("<=", before))
	})

	It("refuses connections after Close", func() {
		srv, err := reference.Start(reference.Behaviour{})
		Expect(err).NotTo(HaveOccurred())
		addr := srv.Addr()
		Expect(srv.Close()).To(Succeed())
		Expect(srv.Close()).To(Succeed()) // idempotent
		c, err := dialAddr(addr)
		if err == nil {
			_ = c.Close()
		}
		Expect(err).To(HaveOccurred())
	})
})
