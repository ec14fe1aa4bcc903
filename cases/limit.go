package cases

var limitCases []Case
