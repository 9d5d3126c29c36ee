// A customer's conversation with one organization (customer app and widget alike): its welcome
// message, the place in line while waiting (with the usual wait when everyone is busy), the
// offline message and when it opens again when nobody can answer, and a closed conversation's
// note. Writing in a closed (or not yet started) conversation starts one; when the organization
// offers a choice of teams, the customer first picks one (a site may have named it), and what
// they are told is that team's availability. An earlier conversation opened from a list is
// read-only: its history and a button to start a new one. The organization's own texts are
// shown in the visitor's language when it wrote them in it. Around that, what the organization
// asks for: its pre-chat questions before the first message, an e-mail address while nobody can
// answer (where replies do go out by e-mail), a rating once it is closed; and the transcript.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorText } from '../api';
import { type AttachmentRef, fileSettingsOf } from '../attachments';
import { reopensLine, statusLine, waitingLine } from '../availability';
import { useObservable } from '../hooks';
import { orgText, t } from '../i18n';
import type { Inbox, StartExtra } from '../inbox';
import { type PrechatErrors, type PrechatValues, checkPrechat, prechatAnswers, questionsOf, refusedAnswers } from '../prechat';
import { answeredBy, findTeam } from '../teams';
import type { ClientSession, PublicOrganization } from '../types';
import { draftOf, useAttach } from './attach';
import { Banner } from './Banner';
import { ChatView } from './ChatView';
import { MessageText } from './MessageList';
import { TeamPicker } from './TeamPicker';

type Asks = typeof import('./asks');
let asks: Asks | null = null;
let asking: Promise<Asks> | null = null;

/** The asks' chunk once `needed` (null until it is here; fetched once per page). */
function useAsks(needed: boolean): Asks | null {
  const [module, setModule] = useState(asks);
  useEffect(() => {
    if (!needed || module) return;
    asking ??= import('./asks').then((m) => (asks = m));
    asking.then(setModule, () => {
      asking = null;
    });
  }, [needed]);
  return module;
}

/** The pre-chat answers given on this page, offered again for the next conversation. */
let lastAnswers: PrechatValues = {};

interface Props {
  inbox: Inbox;
  session: ClientSession | undefined;
  organization: PublicOrganization;
  /** The conversation is on screen (and the page visible). */
  visible: boolean;
  /** A new conversation was started by the first message. */
  onStarted: (sessionId: string) => void;
  /** The team the site named (its id or name), chosen until the customer picks another. */
  preselectedTeam?: string;
  /** Shown without a message box (a closed conversation opened from the list), with this button. */
  readOnly?: { onNew: () => void };
  /** What a new conversation's opening carries besides the first message (the site's attributes). */
  opening?: StartExtra;
  /** What is known of the customer already, filled in the pre-chat questions. */
  known?: { name?: string; email?: string };
  /** A score chosen in an e-mail's link, preselected in the rating. */
  presetScore?: number | null;
}

export function CustomerChat(props: Props) {
  const { inbox, session, organization, visible, onStarted, preselectedTeam, readOnly, opening: openingExtra, known, presetScore } = props;
  useObservable(inbox);
  const chat = inbox.chat;
  const [error, setError] = useState('');
  const [picked, setPicked] = useState<string | null>(null);
  const [answers, setAnswers] = useState<PrechatValues>(() => ({
    ...lastAnswers,
    name: lastAnswers.name || known?.name || '',
    email: lastAnswers.email || known?.email || '',
  }));
  const [prechatErrors, setPrechatErrors] = useState<PrechatErrors>({});
  const [refused, setRefused] = useState<Record<string, string>>({});
  const [askingEmail, setAskingEmail] = useState(false);
  /** Shown once the customer writes in a closed conversation (a new one starts): not before. */
  const [askedAgain, setAskedAgain] = useState(false);
  const [emailDone, setEmailDone] = useState(false);
  /** A conversation being started for files. */
  const opening = useRef<Promise<string | null> | null>(null);
  const sessionId = session?.id ?? null;
  const conversation = sessionId ? chat.conversation(sessionId) : null;
  const starting = !session || session.status === 'closed';
  const offered = organization.teams;
  const choosing = starting && offered.length > 0;
  const chosen = choosing ? (findTeam(offered, picked) ?? findTeam(offered, preselectedTeam) ?? findTeam(offered, session?.team_id))?.id ?? null : null;
  // Who would answer: the chosen team before the first message, the conversation's team after.
  const answering = answeredBy(organization, starting ? chosen : session?.team_id);
  const questions = starting && !readOnly ? questionsOf(organization.prechat) : [];
  const showQuestions = questions.length > 0 && (!session || askedAgain);
  // After the first message, while nobody can answer: an address for the reply, if e-mail goes out.
  const emailWanted =
    !!session && session.status !== 'closed' && answering.availability === 'offline' && organization.email_follow_up && !session.client_email;

  useEffect(() => {
    if (emailWanted) setAskingEmail(true);
  }, [emailWanted]);
  const closed = session?.status === 'closed';
  const ask = useAsks(showQuestions || askingEmail || closed);

  useEffect(() => {
    if (!sessionId) return;
    chat.applyReadState(sessionId, session?.read_state);
    void chat.open(sessionId);
    return () => chat.leave(sessionId);
  }, [sessionId]);

  // At once, not after the next paint: a window just hidden is not painted, and a message
  // arriving meanwhile would count as read.
  useLayoutEffect(() => {
    inbox.setVisible(visible ? sessionId : null);
    return () => inbox.setVisible(null);
  }, [sessionId, visible]);

  /** Whether a conversation may start now (a team chosen, the questions answered); says what is missing. */
  function readyToStart(): boolean {
    if (choosing && !chosen) {
      setError(t('chat.chooseFirst'));
      return false;
    }
    const problems = checkPrechat(questions, answers);
    setPrechatErrors(problems);
    setRefused({});
    if (Object.keys(problems).length) {
      setAskedAgain(true);
      setError(t('prechat.check'));
      focusFirstProblem();
      return false;
    }
    return true;
  }

  /** Sends, or starts the conversation; false (the text stays in the box) when something is missing. */
  function send(text: string, files: AttachmentRef[]): boolean {
    setError('');
    if (session && session.status !== 'closed') {
      chat.send(session.id, text, files);
      return true;
    }
    if (!readyToStart()) return false;
    void start((extra) => inbox.start(organization, text, chosen ?? undefined, extra, files));
    return true;
  }

  /** The conversation files go into: this one, or one started for them (once). */
  function fileSession(): Promise<string | null> {
    if (session && session.status !== 'closed') return Promise.resolve(session.id);
    setError('');
    if (!opening.current) {
      if (!readyToStart()) return Promise.resolve(null);
      opening.current = start((extra) => inbox.open(organization, chosen ?? undefined, extra));
    }
    return opening.current;
  }

  /** Starts the conversation with what its opening carries; null when refused (and why is shown). */
  async function start(begin: (extra: StartExtra) => Promise<string>): Promise<string | null> {
    const extra: StartExtra = { ...openingExtra };
    if (questions.length) extra.prechat = prechatAnswers(questions, answers);
    try {
      const id = await begin(extra);
      onStarted(id);
      lastAnswers = answers;
      return id;
    } catch (e) {
      const named = e instanceof ApiError ? refusedAnswers(e.fields) : [];
      if (e instanceof ApiError && named.length) {
        setRefused(Object.fromEntries(named.map((id) => [id, e.fields[`prechat.${id}`]])));
        setAskedAgain(true);
        setError(t('prechat.check'));
        focusFirstProblem();
      } else setError(errorText(e));
      return null;
    } finally {
      opening.current = null;
    }
  }

  const position = sessionId ? inbox.positions.get(sessionId) : undefined;
  const line = waitingLine(answering, position);
  const back = reopensLine(answering);
  const waiting = !session || session.status === 'waiting';
  const ended = closed && readOnly;
  // One draft per organization: a conversation started for its files keeps the text and files.
  const draft = draftOf(inbox.api, organization.id);
  const attach = useAttach({ api: inbox.api, draft, settings: ended ? null : fileSettingsOf(organization), session: fileSession });
  return (
    <ChatView
      chat={chat}
      conversation={conversation}
      intro={
        <div class="bubble intro" data-welcome="true">
          <div class="sender"><bdi>{organization.name}</bdi></div>
          <div class="content" dir="auto">
            <MessageText text={orgText(organization, 'welcome_message')} />
          </div>
        </div>
      }
      notices={
        <>
          {waiting && line && (
            <Banner kind="info">
              <span data-queue-position={position} data-availability={answering.availability}>
                {line}
              </span>
            </Banner>
          )}
          {choosing && <TeamPicker teams={offered} chosen={chosen} onChoose={setPicked} />}
          {waiting && answering.availability === 'offline' && (
            <Banner kind="warn">
              <span data-offline-message="true" dir="auto">
                <MessageText text={orgText(organization, 'offline_message')} />
              </span>
              {back && <span data-reopens="true"> {back}</span>}
            </Banner>
          )}
          {ask && askingEmail && !emailDone && sessionId && <ask.EmailAsk inbox={inbox} sessionId={sessionId} onDone={() => setEmailDone(true)} />}
          {closed && !ended && <Banner kind="info">{t('chat.ended')}</Banner>}
          {ask && closed && sessionId && (
            <div class="closed-extras">
              <ask.RatingAsk inbox={inbox} sessionId={sessionId} style={organization.rating_style} rating={session.rating} preset={presetScore} />
              <ask.Transcript inbox={inbox} sessionId={sessionId} />
            </div>
          )}
          {ask && showQuestions && (
            <ask.PrechatFields questions={questions} values={answers} errors={prechatErrors} refused={refused} onChange={setAnswers} />
          )}
          {error && <p class="error-text banner" role="alert">{error}</p>}
        </>
      }
      onSend={send}
      api={inbox.api}
      attach={attach}
      draft={draft}
      composerDisabled={choosing && !chosen}
      placeholder={choosing && !chosen ? t('chat.chooseThenWrite') : undefined}
      composer={ended ? () => <Ended onNew={readOnly.onNew} /> : undefined}
    />
  );
}

/** One line about who answers: the agent's name, or the conversation's state (its team's). */
export function answererLine(session: ClientSession | undefined, organization: PublicOrganization): string {
  if (session?.status === 'closed') return t('chat.endedShort');
  const agent = session?.assigned_agent?.name;
  if (agent) return t('chat.agent', { name: agent });
  return statusLine(answeredBy(organization, session?.team_id));
}

/** In place of the message box of an earlier, closed conversation. */
function Ended({ onNew }: { onNew: () => void }) {
  return (
    <div class="composer composer-ended" data-read-only="">
      <p class="composer-note">{t('widget.readOnly')}</p>
      <button type="button" class="btn btn-primary" onClick={onNew}>
        {t('widget.new')}
      </button>
    </div>
  );
}

/** The first question with a problem gets the focus (once it is drawn). */
function focusFirstProblem() {
  setTimeout(() => document.querySelector<HTMLElement>('[data-prechat] [aria-invalid="true"]')?.focus());
}
