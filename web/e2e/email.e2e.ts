// E-mail follow-up end to end, through a real SMTP server: a visitor writes while nobody is
// online, leaves an address when the widget asks, closes the tab; the agent's reply arrives by
// e-mail, and its link opens the conversation again in a browser, with the reply in it; an
// agent then e-mails the transcript from the console.

import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchActor } from './support/browser';
import { createOrganization, launcher, listItem, loginConsole, send, waitForMessage, widgetFrame } from './support/flows';
import { type HostSite, startHostSite } from './support/host-page';
import { scenario } from './support/scenario';
import { type Server, startServer } from './support/server';
import { type SmtpSink, startSmtpSink } from './support/smtp';
import { waitUntil } from './support/wait';

let server: Server;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startServer({ mail: true, smtpUrl: sink.url });
});

afterAll(async () => {
  await server?.stop();
  await sink?.stop();
});

test(
  'an offline visitor leaves an e-mail, the agent replies, the e-mail arrives and its link reopens the conversation',
  scenario(async () => {
    const org = await createOrganization(server.api, 'Late Owls');
    // Replies not read within a second go out by e-mail.
    await server.api('PUT', `/api/organizations/${org.organization.id}`, { token: org.token, body: { settings: { email_after_secs: 1 } } });
    const site: HostSite = await startHostSite(server.url, { 'data-organization': org.domain });
    try {
      const visitor = await launchActor('visitor');
      await visitor.page.goto(site.url);
      await launcher(visitor.page).click();
      const frame = await widgetFrame(visitor.page);
      await send(frame, 'Can I still order for Friday?');
      const ask = frame.locator('[data-email-ask]');
      await ask.getByLabel('Leave your e-mail and we will reply there.').fill('late.owl@example.com');
      await ask.getByRole('button', { name: 'Save' }).click();
      await frame.locator('[data-email-saved]').waitFor();
      await visitor.context.close();

      const { sessions } = await server.api('GET', `/api/sessions/organization/${org.organization.id}`, { token: org.token });
      const session = sessions[0];
      await server.api('POST', `/api/sessions/${session.id}/messages`, { token: org.token, body: { content: 'Yes: order by Thursday noon.' } });
      await waitUntil(async () => sink.mails().length >= 1, { message: 'the reply arrives by e-mail', timeout: 20_000 });
      const mail = sink.mails()[0];
      expect(mail.envelope_to).toEqual(['late.owl@example.com']);
      expect(mail.headers.Subject).toBe('A new reply from Late Owls');
      expect(mail.text).toContain('Yes: order by Thursday noon.');
      const link = mail.text!.match(/https?:\/\/\S+\/widget\/\?org=\S+&resume=\S+/)![0];
      expect(link.startsWith(`${server.url}/widget/?org=${org.domain}&resume=`)).toBe(true);

      // On another device, the link opens the conversation with the reply.
      const phone = await launchActor('the visitor reading the e-mail');
      await phone.page.goto(link);
      await waitForMessage(phone.page, 'Yes: order by Thursday noon.', 'the visitor from the e-mail');
      await waitForMessage(phone.page, 'Can I still order for Friday?', 'the visitor from the e-mail');
      await send(phone.page, 'Thank you!');
      await waitUntil(
        async () => {
          const { messages } = await server.api('GET', `/api/sessions/${session.id}/messages`, { token: org.token });
          return messages.some((m: { content: string }) => m.content === 'Thank you!');
        },
        { message: 'the visitor writes again in the same conversation' },
      );

      // An agent closes it and e-mails the transcript from the console.
      await server.api('PUT', `/api/sessions/${session.id}/close`, { token: org.token });
      const admin = await launchActor('admin');
      await loginConsole(admin.page, server.url, org.admin.email, org.admin.password, server.api);
      await admin.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: /All conversations/ }).click();
      await listItem(admin.page, session.id).click();
      await admin.page.getByRole('button', { name: 'E-mail the transcript' }).click();
      await admin.page.locator('[data-transcript-status]', { hasText: 'The transcript is on its way to l…@example.com.' }).waitFor();
      const isTranscript = (m: { headers: Record<string, string> }) => m.headers.Subject === 'Your conversation with Late Owls';
      await waitUntil(async () => sink.mails().some(isTranscript), { message: 'the transcript arrives', timeout: 20_000 });
      const transcript = sink.mails().find(isTranscript)!;
      for (const line of ['Can I still order for Friday?', 'Yes: order by Thursday noon.', 'Thank you!']) expect(transcript.text).toContain(line);
    } finally {
      await site.close();
    }
  }),
);
