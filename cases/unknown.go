package cases

var unknownCases []Case
