package telegramtest

import (
	"net"
	"net/http"
)

// Fault is a transport failure injected in place of a Bot API answer.
// A faulted call never reaches the API: nothing is sent or recorded.
type Fault int

const (
	// FaultNone lets the call through.
	FaultNone Fault = iota
	// FaultServerError answers 500 with an HTML page, like a proxy in front
	// of the API; the body is not JSON.
	FaultServerError
	// FaultTimeout holds the request without answering until the client
	// gives up or the server closes.
	FaultTimeout
	// FaultReset closes the connection (TCP reset) without an answer.
	FaultReset
	// FaultTooMany answers 429 with retry_after 1, whatever the flood state.
	FaultTooMany
)

func (f Fault) String() string {
	switch f {
	case FaultNone:
		return "None"
	case FaultServerError:
		return "ServerError"
	case FaultTimeout:
		return "Timeout"
	case FaultReset:
		return "Reset"
	case FaultTooMany:
		return "TooMany"
	}
	return "Fault(?)"
}

// SetFault installs a function that picks a fault for each API call by its
// method name ("sendMessage", "getUpdates", ...); nil removes it. It runs
// for calls with a valid token and a known method, outside the server's
// lock, possibly concurrently.
func (s *Server) SetFault(pick func(method string) Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = pick
}

const serverErrorPage = "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n" +
	"<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// injectFault applies the fault chosen for the call, if any, and reports
// whether it did.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, method string) bool {
	s.mu.Lock()
	pick := s.fault
	s.mu.Unlock()
	if pick == nil {
		return false
	}
	f := pick(method)
	if f <= FaultNone || f > FaultTooMany {
		return false
	}
	s.mu.Lock()
	s.stats.Faults[f]++
	s.mu.Unlock()

	switch f {
	case FaultServerError:
		w.Header().Set("Content-Type", "text/html")
		writeBody(w, r, http.StatusInternalServerError, []byte(serverErrorPage))
	case FaultTooMany:
		writeJSON(w, r, http.StatusTooManyRequests, tooManyRequests(1).envelope())
	case FaultTimeout:
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		panic(http.ErrAbortHandler) // close the connection without answering
	case FaultReset:
		reset(w)
	}
	return true
}

// reset hijacks the connection and closes it with a TCP RST.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
