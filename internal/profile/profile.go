package profile

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
)

// Start begins a CPU profile written to cpuPath and arranges for a heap
// profile (after a GC, so it shows live memory) to be written to memPath
// when the returned stop function runs. Either path may be empty: that
// profile is not taken. stop is idempotent and returns the first error met
// while writing; call it once the work to profile is done. Start fails
// (and takes nothing) when a file cannot be created or a CPU profile is
// already running.
func Start(cpuPath, memPath string) (stop func() error, err error) {
	var cpu *os.File
	if cpuPath != "" {
		if cpu, err = os.Create(cpuPath); err != nil {
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			os.Remove(cpuPath)
			return nil, fmt.Errorf("cpu profile %s: %w", cpuPath, err)
		}
	}
	var mem *os.File
	if memPath != "" {
		if mem, err = os.Create(memPath); err != nil {
			if cpu != nil {
				pprof.StopCPUProfile()
				cpu.Close()
			}
			return nil, fmt.Errorf("memory profile: %w", err)
		}
	}
	var once sync.Once
	var stopErr error
	return func() error {
		once.Do(func() {
			if cpu != nil {
				pprof.StopCPUProfile()
				if err := cpu.Close(); err != nil {
					stopErr = fmt.Errorf("cpu profile %s: %w", cpuPath, err)
				}
			}
			if mem != nil {
				runtime.GC() // up-to-date statistics of live objects
				werr := pprof.Lookup("heap").WriteTo(mem, 0)
				if err := errors.Join(werr, mem.Close()); err != nil {
					stopErr = errors.Join(stopErr, fmt.Errorf("memory profile %s: %w", memPath, err))
				}
			}
		})
		return stopErr
	}, nil
}
