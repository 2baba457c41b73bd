// Package junit writes a run's assertion results as junit.xml in the common
// JUnit XML format CI systems read (the Ant/Surefire schema): one
// <testsuite> per run — per shard when runs are merged — and one
// <testcase> per Check, whose <failure> message says what was expected and
// what was measured. A run that could not be carried out (RunInfo.Error)
// gets an <error> test case so it is never mistaken for a green one.
package junit
