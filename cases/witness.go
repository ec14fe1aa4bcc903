package cases

// A case is proven against servers the suite can start: conforming references it must pass, and
// mutants, each a reference with one knob broken, that it must fail or warn for the requirement
// the knob breaks. A check that no server could make go the other way proves nothing, so every
// case names both kinds beside its claim (Case.Witnesses); suite/witness_test.go plays each row
// and checks the verdict, and cross-checks the rows against what each mutant declares it breaks.
//
// Servers are named by string, because this package may import only harness/conv: the suite
// resolves each name to a reference server or mutant origin (harness/reference) or a reference
// or mutant intermediary (the reference gateways), and a test fails on a name it cannot resolve.

// Witness is one row: a server, the verdict the case must give it, and for a mutant the
// requirement that verdict must name.
type Witness struct {
	// Server is the name of the reference or mutant: "ref-continue", "mut-no-continue",
	// "ref-gateway-streaming", "mut-gw-wait-for-content".
	Server string
	// Verdict is pass or info for a reference (info where the reference makes a choice the RFC
	// leaves open and the case reports it), fail or warn for a mutant.
	Verdict Verdict
	// Requirement is what a mutant's fail or warn must name; "" for a reference.
	Requirement string
	// Role is the role a mutant intermediary is tested in when it is not the automatic choice
	// (a gateway when the case applies to gateways, else a forward proxy); "" otherwise. The
	// references have a role of their own.
	Role Role
	// Why says why Requirement is not among those the mutant declares it breaks, when it is not:
	// the breach shows in this conversation under another rule.
	Why string
}

// Mutant reports whether the row names a mutant (a fail or warn is expected of it).
func (w Witness) Mutant() bool { return w.Verdict == Fail || w.Verdict == Warn }

// passes names a conforming reference the case must pass.
func passes(server string) Witness { return Witness{Server: server, Verdict: Pass} }

// informs names a conforming reference whose allowed choice the case reports as info: the case
// has nothing to pass on it, and nothing to find against it.
func informs(server string) Witness { return Witness{Server: server, Verdict: Info} }

// fails names a mutant the case must fail, naming requirement req.
func fails(server, req string) Witness {
	return Witness{Server: server, Verdict: Fail, Requirement: req}
}

// warns names a mutant the case must warn, naming requirement req.
func warns(server, req string) Witness {
	return Witness{Server: server, Verdict: Warn, Requirement: req}
}

// as tests a mutant intermediary in role r instead of the automatic choice.
func (w Witness) as(r Role) Witness {
	w.Role = r
	return w
}

// because explains a row whose requirement the mutant does not declare it breaks.
func (w Witness) because(why string) Witness {
	w.Why = why
	return w
}
