"""Ctrl-C and SIGTERM held back while a picture's outputs are written."""
import signal

import pytest

from hg_plugin.apis.run import deferred_interrupts


@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGTERM])
def test_a_signal_in_the_block_takes_effect_after_it(sig):
    def stop(n, _):
        raise KeyboardInterrupt(n)

    before = signal.signal(signal.SIGTERM, stop)
    done = []
    try:
        with pytest.raises(KeyboardInterrupt):
            with deferred_interrupts():
                signal.raise_signal(sig)
                done.append('the rest of the block')
        assert done == ['the rest of the block']
        assert signal.getsignal(signal.SIGTERM) is stop
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGTERM, before)


def test_an_error_in_the_block_restores_the_handlers():
    with pytest.raises(OSError):
        with deferred_interrupts():
            raise OSError('disk full')
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
