package cases

var syntaxCases []Case
