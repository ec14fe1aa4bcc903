package main

import (
	"fmt"
	"os"
	"time"

	"github.com/expectspec/expectspec/harness/origin/gateways"
	"github.com/expectspec/expectspec/harness/reference"
)

func main() {
	name, origin := os.Args[1], ""
	if len(os.Args) > 2 {
		origin = os.Args[2]
	}
	for _, m := range gateways.Mutants() {
		if m.Name == name {
			addr, _, err := m.Start(origin)
			fmt.Println(addr, err)
			time.Sleep(time.Hour)
		}
	}
	for _, b := range reference.Mutants() {
		if b.Name == name {
			s, err := reference.Start(b)
			fmt.Println(s.URL(), err)
			time.Sleep(time.Hour)
		}
	}
}
