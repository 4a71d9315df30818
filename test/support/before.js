'use strict';
// A suite's set-up that fails loudly. uvu drops an error thrown by a `test.before` hook (its runner
// returns from a `finally`): the suite then prints "(0 / N)" in green, no reason, and exits 0. Set-up
// registered here keeps the error instead, and every test of the suite fails with it: a missing
// service or a failed build is reported where the tests are, with the reason.
function before(test, setUp) {
  let failure;
  let reported = false;
  test.before(async (state) => {
    try {
      await setUp(state);
    } catch (error) {
      failure = error;
    }
  });
  test.before.each(() => {
    if (!failure) return;
    if (reported) throw new Error(`the suite's set-up failed (reported above): ${failure.message}`);
    reported = true;
    throw failure;
  });
}

module.exports = { before };
