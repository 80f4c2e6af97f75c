"""What every Twilio webhook edge shares (voice in ``ivr``, messages in ``messaging``,
delivery callbacks in ``notify``): the signature check, the checked identifiers and
URLs of Twilio's forms, and the policy for fetching media from Twilio's API. No
business rules, no models; imports nothing of ours but ``tickets`` helpers."""
