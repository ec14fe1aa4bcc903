package cases

var http10Cases []Case
