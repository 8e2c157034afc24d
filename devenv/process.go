package devenv

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Process is a program that a cluster runs (a termgoal worker or serve): it can be killed with
// SIGKILL, as a crash would end it, and started again as it was.
type Process struct {
	Name string
	Addr string // host:port where it answers GET /readyz with 200 once it serves

	path string
	args []string
	env  []string
	log  io.Writer

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// NewProcess describes the program at path with args and env added to this process's
// environment, answering on addr; its output goes to log. Start starts it.
func NewProcess(name, addr string, log io.Writer, env []string, path string, args ...string) *Process {
	return &Process{Name: name, Addr: addr, path: path, args: args, env: env, log: log}
}

// Start starts the program and waits until its /readyz answers 200 (at most 2 minutes).
func (p *Process) Start(ctx context.Context) error {
	p.mu.Lock()
	cmd := exec.Command(p.path, p.args...) // #nosec G204 -- a program of the cluster's own
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = p.log, p.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		p.mu.Unlock()
		return fmt.Errorf("devenv: start %s: %w", p.Name, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	p.cmd, p.done = cmd, done
	p.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		err := httpOK(ctx, client, "http://"+p.Addr+"/readyz")
		if err == nil {
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("devenv: %s exited before it was ready (%v)", p.Name, cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("devenv: %s not ready: %v (%w)", p.Name, err, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Kill ends the program with SIGKILL, as a crash would, and waits for it to be gone.
func (p *Process) Kill() { p.signal(syscall.SIGKILL, 0) }

// Stop asks the program to end (SIGTERM) and kills it after 30 seconds.
func (p *Process) Stop() { p.signal(syscall.SIGTERM, 30*time.Second) }

func (p *Process) signal(sig syscall.Signal, grace time.Duration) {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	if grace > 0 {
		select {
		case <-done:
			return
		case <-time.After(grace):
			_ = cmd.Process.Kill()
		}
	}
	<-done
}
