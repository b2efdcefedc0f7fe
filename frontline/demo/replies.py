"""What customers and agents write in any conversation, whatever it is about (see
``texts`` for the format)."""

from frontline.demo.texts import entries

CUSTOMER = entries(
    """
    # greeting
    Hi,
    # greeting
    Hello,
    # greeting
    Hi there,
    # greeting
    Good morning,
    # greeting
    Hello Brightline team,
    # closing
    Thanks,
    # closing
    Thank you,
    # closing
    Kind regards,
    # closing
    Best,
    # closing
    Cheers,
    # extra
    We are quite busy this week, so a quick answer would be much appreciated.
    # extra
    This is the second time this has happened.
    # extra
    Let me know if you need anything else from me.
    # info
    Here are the details you asked for. It happened again this morning at around 9.
    # info
    The serial number is on the attached photo. It is the terminal at the front counter.
    # info
    Yes, it happens in a private window too, and I am the account owner.
    # info
    It is the address I am writing from. Thanks for looking into it.
    # still
    Thanks, but it is still not working. I tried again after restarting.
    # still
    I followed the steps, but the problem is still there.
    # still
    Unfortunately that did not help; same error as before.
    # thanks
    That worked, thank you so much!
    # thanks
    All good now, thanks for the quick help.
    # thanks
    Perfect, that fixed it. Have a great day.
    # thanks
    Thanks! Everything looks right now.
    # chase
    Any update on this? It is affecting our service.
    # chase
    Just following up: is there any news?
    # chase
    Hello again, could someone look at this please?
    # reopen
    Sorry, it has started happening again since yesterday.
    # reopen
    The problem is back this morning, exactly like before.
    # duplicate
    Sending this again in case my first email did not arrive.
    # duplicate
    Did you get my previous message? I have not heard back.
    # incident
    We are still affected. Any news?
    """
)

AGENT = entries(
    """
    # greeting
    Hi {first},
    # greeting
    Hello {first},
    # greeting
    Hi {first}, thanks for getting in touch.
    # greeting
    Hi {first}, thank you for the details.
    # signoff
    Best regards,
    # signoff
    Kind regards,
    # signoff
    Thanks,
    # signoff
    All the best,
    # update
    I am still working on this and will update you as soon as I know more.
    # update
    A quick update: I have asked a colleague who knows this area well to take a look.
    # hold
    I have raised this with our engineering team and will let you know as soon as there is
    a fix.
    # hold
    We are waiting to hear back from the courier; I will update you as soon as they reply.
    # hold
    This needs a change on our payment processor's side; I am waiting for them to confirm.
    # solve
    Glad to hear it! I will close this ticket now; just reply if anything else comes up.
    # solve
    Great, thanks for confirming. Have a good day.
    # incident
    We are aware of the problem and our engineers are working on it right now. I have
    linked your ticket to the incident, so you will hear from us as soon as it is fixed.
    # note
    Customer called as well; told them we are on it.
    # note
    Checked the account: no other open tickets.
    # note
    Customer is on the {plan} plan.
    # escalate
    Escalating to {team}: I could not reproduce it with what we have.
    # escalate
    Moving to {team}; this needs access I don't have.
    # escalate
    Handing over to {team} as discussed in the stand-up.
    # incident-note
    Linked to the open incident. Status page is up to date.
    """
)
