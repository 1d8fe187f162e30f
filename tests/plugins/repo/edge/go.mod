module example.com/edge

go 1.22

require (
	github.com/prometheus/client_golang v1.20.0
	github.com/stretchr/testify v1.9.0
)
