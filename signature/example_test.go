package signature_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/roombot/roombot/signature"
)

// Issue and check a userSig and a privateMapKey at a fixed time (reference
// §6.3, D2 and D3).
func Example() {
	const key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
	issued := func() time.Time { return time.Unix(1569910200, 0) }
	s, _ := signature.NewSigner(1400000000, key, signature.WithNow(issued))
	sig, _ := s.UserSig("xiaojun", 180*24*time.Hour)
	pmk, _ := s.PrivateMapKey("xiaojun", 180*24*time.Hour, signature.NumericRoom(10000), signature.PrivAll)
	fmt.Println(sig[:40])

	lastSecond := func() time.Time { return time.Unix(1569910200+15552000, 0) }
	v, _ := signature.NewVerifier(1400000000, signature.WithKey(key), signature.WithVerifyNow(lastSecond))
	_, err := v.VerifyUserSig("xiaojun", sig)
	fmt.Println("userSig:", err)
	t, err := v.VerifyPrivateMapKey("xiaojun", pmk)
	fmt.Println("ticket:", t.Room, t.Privileges, t.Expires.Format(time.RFC3339), err)
	fmt.Println("enter room 10000:", t.Check(signature.NumericRoom(10000), signature.PrivEnter))

	late, _ := signature.NewVerifier(1400000000, signature.WithKey(key),
		signature.WithVerifyNow(func() time.Time { return lastSecond().Add(time.Second) }))
	_, err = late.VerifyUserSig("xiaojun", sig)
	fmt.Println("one second later expired:", errors.Is(err, signature.ErrExpired))
	// Output:
	// eAEArABT-3siVExTLnZlciI6IjIuMCIsIlRMUy5p
	// userSig: <nil>
	// ticket: 10000 all 2020-03-29T06:10:00Z <nil>
	// enter room 10000: <nil>
	// one second later expired: true
}
