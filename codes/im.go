package codes

// webim CONNECTION_STATUS codes, the Code of a connection_event (reference
// §4.6). ON (0) carries no code in reports; the others do.
const (
	IMConnectionInit      = -1 // overlaps ErrIMNoReceiver: not described by Text
	IMConnectionReconnect = 1
	IMConnectionOff       = 9999
)
