package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nginxBinary finds nginx; `make test` installs it (scripts/ensure-nginx).
func nginxBinary(t *testing.T) string {
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no nginx on a CI machine: make test must install it (scripts/ensure-nginx)")
	}
	t.Skip("no nginx installed (scripts/ensure-nginx)")
	return ""
}

// selfSigned writes a certificate for 127.0.0.1 and its key into dir and
// returns the pool that trusts it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "lapor test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// startNginx runs nginx in the foreground with docs/nginx.conf (the
// deployment's file, its addresses and certificate replaced) in front of
// upstream, and returns the address it listens at.
func startNginx(t *testing.T, upstream string) (addr string, pool *x509.CertPool) {
	t.Helper()
	bin := nginxBinary(t)
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	site, err := os.ReadFile("../../docs/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	addr = freeAddr(t)
	conf := string(site)
	// What the test shows depends on these lines of the deployment's file.
	for _, keep := range []string{"proxy_set_header Host $host;", "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
		"proxy_set_header X-Forwarded-Proto $scheme;"} {
		if !strings.Contains(conf, keep) {
			t.Fatalf("docs/nginx.conf no longer has %q", keep)
		}
	}
	for old, repl := range map[string]string{
		"listen 443 ssl;":                   "listen " + addr + " ssl;",
		"/etc/ssl/lapor/fullchain.pem":      certFile,
		"/etc/ssl/lapor/privkey.pem":        keyFile,
		"proxy_pass http://127.0.0.1:8080;": "proxy_pass http://" + upstream + ";",
	} {
		if !strings.Contains(conf, old) {
			t.Fatalf("docs/nginx.conf no longer has %q", old)
		}
		conf = strings.ReplaceAll(conf, old, repl)
	}
	if err := os.WriteFile(filepath.Join(dir, "lapor.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	// The process around the site: in the foreground, as the current user
	// (as root its workers would otherwise become nobody, who cannot use
	// this folder), everything in the test's folder.
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	main := fmt.Sprintf(`daemon off;
%s
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %[2]s/body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
    include %[2]s/lapor.conf;
}
`, user, dir)
	mainFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(mainFile, []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", mainFile, "-e", filepath.Join(dir, "error.log"))
	cmd.Stdout, cmd.Stderr = testWriter{t}, testWriter{t}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			if log, err := os.ReadFile(filepath.Join(dir, "error.log")); err == nil {
				t.Logf("nginx error log:\n%s", log)
			}
		}
	})
	if err := eventually(func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, "nginx does not listen at "+addr); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		t.Fatalf("%v:\n%s", err, log)
	}
	return addr, pool
}

// httpsFrom is a client of the proxy from the loopback address ip.
func httpsFrom(ip string, pool *x509.CertPool) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext,
		TLSClientConfig: &tls.Config{RootCAs: pool}, MaxIdleConnsPerHost: 4}}
}

// lapor behind nginx with HTTPS, as a deployment runs it: each citizen has
// their own limits although every request comes from the proxy, what a
// client forges in X-Forwarded-For gains it nothing, the cookie is Secure,
// and the origin check takes the real page and refuses a forged one.
func TestBehindNginx(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	upstream := env["LAPOR_HTTP_ADDR"]
	addr, pool := startNginx(t, upstream)
	public := "https://" + addr
	env["LAPOR_TRUSTED_PROXIES"] = "127.0.0.1/32"
	env["LAPOR_PUBLIC_URL"] = public
	startInProcess(t, env)

	citizen := func(ip string) *browser { return newBrowserWith(t, public, httpsFrom(ip, pool)) }
	freshMinute()
	a, b := citizen("127.0.0.2"), citizen("127.0.0.3")

	// The page works through the proxy, event stream included, and its
	// cookie is Secure; SameSite=None (HTTPS, as the proxy says).
	a.say("/start", "Selamat datang")
	resp, err := a.client.Post(public+"/api/session", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ck := resp.Header.Get("Set-Cookie"); !strings.Contains(ck, "Secure") || !strings.Contains(ck, "SameSite=None") {
		t.Errorf("behind HTTPS the cookie is %q", ck)
	}

	// The origin check: the page's own origin (nginx passes Host without
	// the port, so only LAPOR_PUBLIC_URL says what it is) and a forged one.
	if code, body := a.postWith("/api/messages", map[string]string{"text": "/bantuan"}, map[string]string{"Origin": public}); code != 202 {
		t.Fatalf("the page's own origin: %d %s", code, body)
	}
	code, body := a.postWith("/api/messages", map[string]string{"text": "/bantuan"}, map[string]string{"Origin": "https://evil.example"})
	wantStatus(t, "a forged origin", code, body, 403, "tidak berasal dari halaman chat ini")

	// Sign-in: A's five wrong codes, each with another forged address,
	// lock A out and not B.
	for i := 0; i < 5; i++ {
		code, body := a.postWith("/api/signin", map[string]string{"code": fmt.Sprintf("AAAAAAA%c", 'A'+i)},
			map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i+1)})
		wantStatus(t, "a wrong code", code, body, 403, "Kode masuk tidak berlaku")
	}
	code, body = a.postWith("/api/signin", map[string]string{"code": "AAAAAAAZ"}, map[string]string{"X-Forwarded-For": "198.51.100.99"})
	wantStatus(t, "A's sixth code", code, body, 429, "Terlalu banyak")
	if status, body := b.signIn(roomCode(t, env, "--desk", "ombudsman", "--name", "Wati")); status != 200 || !strings.Contains(body, "Ombudsman") {
		t.Fatalf("B's right code after A's wrong ones: %d %s", status, body)
	}

	// Requests: 120 a minute per citizen. A, from five sessions and
	// forging a new address each time, is stopped; B is not.
	limited := false
	sent := 8 // /start, /bantuan and six sign-ins above
	for s := 0; s < 5 && !limited; s++ {
		as := citizen("127.0.0.2")
		for i := 0; i < 25; i++ {
			code, body := as.postWith("/api/messages", map[string]string{"text": "/bantuan"},
				map[string]string{"X-Forwarded-For": fmt.Sprintf("192.0.2.%d", s*25+i)})
			if code == 429 {
				limited = true
				break
			}
			if code != 202 {
				t.Fatalf("A's message: %d %s", code, body)
			}
			sent++
		}
	}
	if !limited || sent != 120 {
		t.Fatalf("A sent %d messages in a minute (limited: %v); the limit is 120", sent, limited)
	}
	code, body = b.postWith("/api/messages", map[string]string{"text": "/bantuan"}, nil)
	wantStatus(t, "B's message after A's flood", code, body, 202, "ok")
}
