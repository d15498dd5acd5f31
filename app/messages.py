"""The user-facing text for every error code a service can raise, translated at request time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError

MESSAGES = {
    "bad_login": _l("That e-mail address and password do not match."),
    "login_locked": _l("Too many wrong passwords. Wait %(seconds)s seconds and try again."),
    "invalid_email": _l("Please enter a valid e-mail address."),
    "password_too_short": _l("The password must be at least %(length)s characters long."),
    "email_taken": _l("There is already an account with this e-mail address."),
    "setup_link_used": _l("This set-up link has already been used."),
    "title_required": _l("Please give a title."),
    "unknown_language": _l("This language is not available: %(language)s."),
    "ends_before_start": _l("The end time is before the start time."),
    "weight_invalid": _l("A weight must be a number above 0, like 1 or 1.5 (you entered %(weight)s)."),
    "weights_locked": _l("Weights can no longer change: the first votes are already in."),
    "group_exists": _l("There is already a group called %(name)s."),
    "group_name_required": _l("Please give the group a name (at most 80 characters)."),
    "group_not_found": _l("This group does not exist."),
    "event_not_found": _l("This event does not exist, or you do not have access to it."),
    "comment_not_found": _l("This comment does not exist."),
    "ticket_count_invalid": _l("You can issue between 1 and %(maximum)s tickets at a time."),
    "ticket_not_found": _l("There is no ticket with this number."),
    "ticket_unknown": _l("We do not know this ticket. Check the code, or ask the host for help."),
    "ticket_voided": _l("This ticket has been cancelled. Ask the host for a new one."),
    "ticket_used_on_paper": _l("This ticket was already used for a paper score card."),
    "code_malformed": _l("A ticket code has 10 letters and digits, like ABC-DEF-GHJK. Please check it."),
    "user_not_found": _l("This account does not exist."),
    "budget_amount_invalid": _l("Please give an amount in euros above 0, like 1500 or 1.500,50."),
    "budget_project_limits_invalid": _l("The maximum number of projects must be at least the minimum, and at least 1."),
    "budget_min_spend_invalid": _l("The minimum share of the budget must be between 0 and 100 percent."),
    "budget_points_invalid": _l("A points ballot needs at least 1 point to spread, and at least 1 point per project."),
    "budget_rules_locked": _l("The ballot rules can no longer change: the first votes are already in."),
    "budget_no_feasible_proposals": _l("Voting can only start when at least one proposal is feasible."),
    "budget_round_not_found": _l("This budget round does not exist, or you do not have access to it."),
    "proposal_title_required": _l("Please give your proposal a title (at most 200 characters)."),
    "proposal_description_required": _l("Please describe your proposal (at most 5000 characters)."),
    "proposal_over_budget": _l("The cost is more than the whole budget of this round."),
    "proposal_submitter_invalid": _l("Please choose whether you submit as a resident or for an organisation."),
    "proposal_organisation_required": _l("Please give the name of the organisation."),
    "proposal_theme_invalid": _l("Please choose one of the themes of this round."),
    "proposal_contact_required": _l("Please give your name, so the host can contact you."),
    "proposals_closed": _l("This round no longer takes new proposals."),
    "budget_review_closed": _l("Proposals can no longer be reviewed: voting has started."),
    "proposal_reason_required": _l("Please give a reason: it is shown to everyone."),
    "proposal_not_found": _l("This proposal does not exist."),
    "budget_ballot_invalid": _l("Your choice does not fit the rules of this round."),
    "budget_voting_closed": _l("Voting in this round is closed."),
    "budget_keying_closed": _l("Paper ballots can only be keyed while voting is open or just after."),
    "budget_keyer_required": _l("Please give your name or initials (at most 80 characters)."),
    "budget_ticket_used_on_phone": _l("Ticket %(number)s already voted by phone in this round: "
                                      "this paper ballot does not count."),
    "budget_paper_counted": _l("The paper ballot of ticket %(number)s already counts."),
    "budget_keying_not_found": _l("This keying does not exist or already counts."),
    "budget_results_not_published": _l("The results of this round are not published yet."),
    "budget_export_not_whole": _l("A .pb file only holds whole euros, and %(what)s has cents."),
    "ballot_unknown_project": _l("Project %(project)s is not on this ballot."),
    "ballot_too_few_projects": _l("Choose at least %(min)s projects. You chose %(chosen)s."),
    "ballot_too_many_projects": _l("Choose at most %(max)s projects. You chose %(chosen)s."),
    "ballot_over_budget": _l("Your projects cost %(spent)s together. That is more than the budget of "
                             "%(budget)s. Remove a project."),
    "ballot_under_minimum_spend": _l("Your projects cost %(spent)s together. Choose projects for at least "
                                     "%(min)s."),
    "ballot_negative_points": _l("Points cannot be below 0."),
    "ballot_too_many_points_for_project": _l("You gave %(points)s points to one project. The maximum is "
                                             "%(max)s."),
    "ballot_too_many_points": _l("You gave %(total)s points. You have %(max)s points."),
    "ballot_too_few_points": _l("You gave %(total)s points. Give all %(required)s points."),
    # Idols evening (tender, score cards, paper, import)
    "tender_missing": _l("This event has no Idols evening yet."),
    "tender_exists": _l("This event already has an Idols evening."),
    "tender_title_required": _l("Please give the tender a title (at most 200 characters)."),
    "tender_frozen": _l("Scoring has started, so the scale, criteria, weights, method and bidders are frozen. "
                        "To change them, reset the scores first."),
    "tender_incomplete": _l("Add at least one bidder and one criterion first."),
    "text_too_long": _l("This text is too long: at most %(maximum)s characters."),
    "method_unknown": _l("Choose one of the counting methods."),
    "scale_invalid": _l("This scale is not valid. A grade scale needs a lowest and a higher highest grade; "
                        "verbal grades need 2 to 10 different names."),
    "slot_invalid": _l("A presentation slot is between 1 and 120 minutes."),
    "name_required": _l("Please give a name (at most %(maximum)s characters)."),
    "criterion_exists": _l("There is already a criterion called %(name)s."),
    "criterion_unknown": _l("This score card asks about something that does not exist (%(criterion)s). "
                            "Reload the page and try again."),
    "bidder_exists": _l("There is already a bidder called %(name)s."),
    "bidder_unknown": _l("This organisation is not part of the evening."),
    "website_invalid": _l("A website must start with https:// or http://."),
    "shuffle_too_late": _l("The order can only be shuffled before the first presentation."),
    "reset_needs_confirmation": _l("Tick the box to confirm that all score cards will be deleted."),
    "already_published": _l("The results are published: nothing can change any more."),
    "wrong_phase": _l("That is not possible at this point of the evening."),
    "no_such_bidder": _l("There is no bidder in that direction."),
    "scoring_not_open": _l("Scoring for %(bidder)s is not open."),
    "scoring_closed": _l("Scoring for %(bidder)s is closed. Your card was not saved."),
    "timer_command_unknown": _l("Unknown timer command."),
    "reveal_too_early": _l("Close scoring for every bidder before revealing the results."),
    "publish_too_early": _l("Reveal the results before publishing them."),
    "wrong_event": _l("This score card belongs to another evening than your ticket."),
    "open_join_closed": _l("Joining without a ticket is not possible for this evening. Ask the host for a ticket."),
    "score_missing": _l("Choose an answer for \u201c%(criterion)s\u201d. If you cannot judge it, choose "
                        "\u201cI can\u2019t judge\u201d."),
    "score_out_of_range": _l("The score for \u201c%(criterion)s\u201d must be between %(minimum)s and "
                             "%(maximum)s."),
    "score_unknown": _l("\u201c%(value)s\u201d is not a score on this scale (%(criterion)s)."),
    "card_invalid": _l("This score card is not complete. Please check it."),
    "comment_too_long": _l("Your comment is too long: at most %(maximum)s characters."),
    "keyer_required": _l("Fill in who keys this card (your first name is enough)."),
    "paper_card_already_counted": _l("A paper card of this ticket for this bidder already counts."),
    "ticket_used_on_phone": _l("This ticket was already used on a phone, so its paper card cannot count."),
    "paper_same_volunteer": _l("You keyed this card already. A second volunteer must key it."),
    "csv_encoding": _l("The file is not UTF-8 text. Save it as CSV UTF-8 and try again."),
    "csv_header": _l("Line %(line)s: the columns must be ballot, bidder, criterion and score "
                     "(and optionally group)."),
    "csv_too_long": _l("Line %(line)s: the file has too many lines."),
    "csv_columns": _l("Line %(line)s: expected %(expected)s cells, found %(found)s."),
    "csv_ballot_invalid": _l("Line %(line)s: the ballot must be filled in (at most %(maximum)s characters)."),
    "csv_unknown_bidder": _l("Line %(line)s: there is no bidder called %(value)s."),
    "csv_unknown_criterion": _l("Line %(line)s: there is no criterion called %(value)s."),
    "csv_unknown_group": _l("Line %(line)s: there is no voter group called %(value)s."),
    "csv_group_mixed": _l("Line %(line)s: ballot %(ballot)s is in two different groups."),
    "csv_score_invalid": _l("Line %(line)s: %(value)s is not a score on this scale (%(criterion)s)."),
    "csv_duplicate": _l("Line %(line)s: ballot %(ballot)s already has a score for %(criterion)s "
                        "of %(bidder)s."),
    "csv_missing_criterion": _l("Line %(line)s: ballot %(ballot)s has no score for %(criterion)s of "
                                "%(bidder)s (leave the score empty for \u201ccan\u2019t judge\u201d)."),
    "csv_empty": _l("The file has no score cards."),
    "csv_ballot_exists": _l("Line %(line)s: ballot %(ballot)s was already imported."),
    "event_file_invalid": _l("The event file is not valid: %(field)s: %(problem)s"),
    "projector_key_invalid": _l("This projector link does not work (any more). Ask the host for a new one."),
    "ticket_other_event": _l("Your ticket is for another event."),
    "nobody_on_stage": _l("Nobody is on stage right now."),
    "reaction_unknown": _l("This reaction does not exist."),
    "reaction_too_soon": _l("One tap every two seconds, please."),
    "question_empty": _l("Please write a question."),
    "question_too_long": _l("A question can be at most %(maximum)s characters long."),
    "question_limit": _l("You have already sent %(maximum)s questions to this bidder."),
    "question_unknown": _l("This question does not exist or is not on the screen."),
    "question_already_voted": _l("You have already voted for this question."),
    # advice reports and committee access
    "no_report": _l("This event has no Idols evening, so there is no advice report."),
    "report_nothing_to_count": _l("Add at least one bidder and one criterion first; then there is something to "
                                  "report."),
    "report_not_published": _l("The host has not published this report yet. You can read it once it is published."),
    "committee_link_unknown": _l("This committee link does not exist. Check the address, or ask the host for the "
                                 "link."),
    "committee_link_renewed": _l("This committee link has been replaced by a new one. Ask the host for the new "
                                 "link."),
    "committee_member_unknown": _l("There is no committee account with the e-mail address %(email)s. Ask an admin to "
                                   "create one with the role 'committee'."),
    "decision_reasons_required": _l("Please write down the reasons for the decision."),
    # privacy, retention and the JSON API
    "purge_not_published": _l("Personal data can only be removed after every result of this event is published. "
                              "Publish the results first."),
    "purge_already_done": _l("The personal data of this event have already been removed."),
    "retention_invalid": _l("Choose a retention period between 1 and %(maximum)s days."),
    "api_not_found": _l("Not found."),
    "api_not_published": _l("The results have not been published yet."),
    "api_bad_request": _l("The request is not valid."),
    "api_too_large": _l("The file is too large (at most %(maximum)s bytes)."),
    "api_bad_file": _l("This is not a valid .pb file: %(problem)s"),
    "api_method_not_allowed": _l("This method is not allowed here."),
}


def message_for(error: DomainError) -> str:
    """The translated sentence for ``error``; an unknown code shows the code itself rather than nothing."""
    template = MESSAGES.get(error.code)
    if template is None:
        return error.code
    text = str(template)
    return text % {key: str(value) for key, value in error.params.items()} if error.params else text
