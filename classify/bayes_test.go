package classify

import (
	"math"
	"testing"
)

// TestBayesError trains on 2,000 rows of two equally likely Gaussians
// N(∓μe₁, I) in 2-D with μ = 1 and tests on 20,000 fresh rows. The Bayes
// error is Φ(−1) = 0.158655; the standard error of a test error rate near
// it is √(0.1587·0.8413/20000) = 0.00258 (SE).
//
// The linear rules (LogReg, LinearSVC) and the kernel ones (SVC, RFF and
// Nyström + LinearSVC) must land within 4 SE of the Bayes error plus a
// small estimation allowance (0.005 for linear rules with 3 parameters
// per class, 0.01 for the kernel rules). k-NN is only consistent as k
// grows: with η = P(class 1 | x), the asymptotic error of 3-NN majority
// vote is R₃ = E[η(1−η)(1 + 4η(1−η))] = 0.19154 here and that of 1-NN is
// R₁ = E[2η(1−η)] = 0.22480 (Cover & Hart 1967; both computed below by
// quadrature). 3-NN with distance weights, between the two rules, must
// fall between Bayes − 4 SE and R₁.
func TestBayesError(t *testing.T) {
	const mu = 1.0
	bayes := phi(-mu)
	xTrain, yTrain := gaussians(2000, 2, mu, 10)
	xTest, yTest := gaussians(20000, 2, mu, 11)
	se := math.Sqrt(bayes * (1 - bayes) / float64(len(yTest)))
	r1, r3 := nnAsymptotic(mu)
	if math.Abs(r1-0.224800) > 1e-5 || math.Abs(r3-0.191539) > 1e-5 {
		t.Fatalf("asymptotic NN errors R1 = %.6f, R3 = %.6f; want 0.224800, 0.191539", r1, r3)
	}
	for _, tc := range []struct {
		name   string
		c      Classifier
		lo, hi float64
	}{
		{"logreg", &LogReg{}, bayes - 4*se, bayes + 4*se + 0.005},
		{"linearsvc", &LinearSVC{Seed: 3}, bayes - 4*se, bayes + 4*se + 0.005},
		{"svc", &SVC{C: 1}, bayes - 4*se, bayes + 4*se + 0.01},
		{"rff", &Pipeline{Map: &RFF{Dim: 200, Seed: 4}, Classifier: &LinearSVC{Seed: 4}}, bayes - 4*se, bayes + 4*se + 0.01},
		{"nystroem", &Pipeline{Map: &Nystroem{Dim: 100, Seed: 5}, Classifier: &LinearSVC{Seed: 5}}, bayes - 4*se, bayes + 4*se + 0.01},
		{"knn", &KNN{K: 3, Weights: "distance"}, bayes - 4*se, r1},
	} {
		if err := tc.c.Fit(xTrain, yTrain); err != nil {
			t.Fatalf("%s: Fit: %v", tc.name, err)
		}
		e := errorRate(t, tc.c, xTest, yTest)
		t.Logf("%s: test error %.4f (Bayes %.4f, SE %.4f)", tc.name, e, bayes, se)
		if e < tc.lo || e > tc.hi {
			t.Errorf("%s: test error %.4f, want in [%.4f, %.4f]", tc.name, e, tc.lo, tc.hi)
		}
	}
}

// nnAsymptotic returns the asymptotic error rates of the 1-NN and 3-NN
// majority rules for the two Gaussians of TestBayesError: with
// η(x) = P(class 1 | x) = 1/(1 + e^{−2μx₁}), R₁ = E[2η(1−η)] and
// R₃ = E[η P(Bin(3, η) ≤ 1) + (1−η) P(Bin(3, η) ≥ 2)], integrated over
// x₁ by the midpoint rule on [−12, 12].
func nnAsymptotic(mu float64) (r1, r3 float64) {
	const n = 200000
	h := 24.0 / n
	for i := range n {
		x := -12 + (float64(i)+0.5)*h
		p := 0.5*normPDF(x-mu) + 0.5*normPDF(x+mu)
		e := 1 / (1 + math.Exp(-2*mu*x))
		r1 += p * 2 * e * (1 - e) * h
		lose1 := math.Pow(1-e, 3) + 3*e*(1-e)*(1-e) // P(Bin(3,η) ≤ 1)
		r3 += p * (e*lose1 + (1-e)*(1-lose1)) * h
	}
	return r1, r3
}

// normPDF is the standard normal density.
func normPDF(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }
