"""On Redis, the sign-in counters are shared by every web process: failures counted in one
lock the account in all of them."""

import os
import subprocess
import sys

from django.test import Client

from frontline.accounts import throttle

# Another web process: its own interpreter, connection and cache client.
OTHER_PROCESS = """
import django
django.setup()
from frontline.accounts import throttle
account, _ = throttle.sign_in_limits()
print(throttle.record(account, throttle.account_key("Alice@frontline.test")))
"""


def count_in_another_process(redis_url):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "frontline.settings",
        "REDIS_URL": redis_url,
        "DATABASE_URL": "",
        "FRONTLINE_SIGN_IN_FAILURES_PER_ACCOUNT": "3",
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", OTHER_PROCESS], env=env, capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


def test_failures_in_one_process_lock_the_account_in_another(agent, settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    settings.FRONTLINE_SIGN_IN_FAILURES_PER_ACCOUNT = 3
    account, _ = throttle.sign_in_limits()
    throttle.clear(account, throttle.account_key(agent.email))
    for _ in range(2):
        Client().post("/accounts/sign-in/", {"username": agent.email, "password": "guess"})

    counted_there = count_in_another_process(redis_url)
    here = Client().post(
        "/accounts/sign-in/", {"username": agent.email, "password": "correct horse battery"}
    )

    assert counted_there == 3
    assert here.status_code == 429
    throttle.clear(account, throttle.account_key(agent.email))
